from devtools.server import main  # the dev server and collector: devtools/server.py

main()
