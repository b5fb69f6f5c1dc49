"""gunicorn's settings for Homeward, read from the working directory (README: deploy)."""

import gc


def post_worker_init(_worker):
    from tracker.auth.services import dummy_hash

    dummy_hash()  # before the first sign-in, which would otherwise take a hash longer
    # The app's own objects (models, templates, routes) live as long as the worker: frozen,
    # the collector stops walking them, which otherwise shows as a pause of tens of
    # milliseconds in an occasional request.
    gc.freeze()
