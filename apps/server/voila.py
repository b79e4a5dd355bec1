"""Voila's configuration for `make app` (its command line points Voila here).

The culling timeouts are on make app's command line (Makefile: APP_CULL_IDLE, APP_CULL_INTERVAL), so a
test can shorten them; the page template is found through JUPYTER_PATH, also set there.
"""
c = get_config()  # noqa: F821 (traitlets defines it while loading this file)


def give_xsrf_cookie(req_handler, notebook, cwd):
    """Set the page's _xsrf cookie. When a page is left, Voila's frontend posts the kernel-shutdown
    call with that cookie's value; without the cookie (Voila never sets it) the server refuses the
    call (403, voila-dashboards/voila#1458) and the kernel stays. Tornado sets the cookie on reading
    the token; the check itself stays on."""
    req_handler.xsrf_token  # noqa: B018 (read for its side effect)
    return notebook


c.VoilaConfiguration.prelaunch_hook = give_xsrf_cookie
# The page template: Voila's lab template without its two stylesheets from a CDN (no internet needed).
c.VoilaConfiguration.template = "dlteach"
# Kernels of pages left without a word (a crash, a closed laptop, a lost network) are culled once
# idle and unconnected for APP_CULL_IDLE seconds (600: a short break or a network drop survives it;
# a page open on a student's screen is connected and never culled, however long it is read).
c.MappingKernelManager.cull_connected = False
c.MappingKernelManager.cull_busy = False
# No preheated kernels (VoilaConfiguration.preheat_kernel): a pool per page would hold 19 x 100+ MB
# before anyone arrives, and is not compatible with prelaunch_hook.
