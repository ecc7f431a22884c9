"""How this project launches Debian's Chromium (tests, benchmark, snapshot maker).

Playwright cannot download browsers here, so everything drives /usr/bin/chromium. The flags
let it run as root in a sandboxed container and stop it reaching for the (closed) network.
"""

EXECUTABLE = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
