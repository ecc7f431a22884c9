"""Tooling, never shipped: the build, the dev server and its collector, the makers it calls.

- ``build.py``: the one build. ``python -m devtools.build [--out DIR]`` (``scripts/build.sh``)
  writes the static bundle a site hosts (dist/ by default): the loader and snippet under stable
  names, everything else under content-hashed names, with gzip twins and a MANIFEST.json.
- ``server.py``: the development server (``python serve.py``): index.html, the QA console, the
  bundle at /analytics/ (rebuilt when stale), examples, bench pages and a Mixpanel-compatible
  collector at /mp/.
- ``mpy.py``, ``stdlib.py``, ``snapshot.py``: the precompiled MicroPython package, the trimmed
  Pyodide standard library, the Pyodide memory snapshot; each cached under .cache/.
- ``chromium.py``: how this project launches Debian's Chromium.

Nothing in the product (integration/, static/) imports from here.
"""
