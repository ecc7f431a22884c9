"""The deploy tests (test_deploy.py): the bundle behind nginx and behind http.server."""
