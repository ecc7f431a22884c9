"""Tooling, never shipped: the build, the dev server and its collector, the makers it calls.

- ``build/``: the one build, a package by phase (its ``__init__.py`` says which module does
  what). ``python -m devtools.build [--out DIR]`` (``scripts/build.sh``) writes the static
  bundle a site hosts (dist/ by default): the loader and snippet under stable names, everything
  else under content-hashed names, with gzip and brotli twins and a MANIFEST.json. Its makers
  (``mpy.py``, ``stdlib.py``, ``snapshot.py``: the precompiled MicroPython package, the trimmed
  Pyodide standard library, the Pyodide memory snapshot) each cache under .cache/.
- ``server.py``: the development server (``python serve.py``): index.html, the QA console, the
  bundle at /analytics/ (rebuilt when stale), examples, bench pages and a Mixpanel-compatible
  collector at /mp/.
- ``inventory.py``: who loads each bundle file (MANIFEST.json's ``loadedBy``).
- ``settings_help.py``, ``settings_table.py``: the settings' help for the QA console, and the
  README's settings table made from the surface.
- ``chromium.py``: how this project launches Debian's Chromium.

Nothing in the product (integration/, static/) imports from here.
"""
