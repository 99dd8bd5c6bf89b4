"Sphinx configuration for neuroviz's docs: the notebooks in nbs/, executed, rendered with myst-nb and furo (offline)."
project = 'neuroviz'
author = 'neuroviz developers'
extensions = ['myst_nb']
html_theme = 'furo'
html_title = 'neuroviz'
exclude_patterns = ['_build', '**/.ipynb_checkpoints']
nb_execution_mode = 'force'  # every page shows outputs computed now, on the bundled models
nb_execution_timeout = 900
nb_execution_raise_on_error = True
nb_execution_show_tb = True
# widgets show their static rendering (text/html), which needs no kernel and no CDN
nb_ipywidgets_js = {}  # no require.js / html-manager from CDNs: our widgets render themselves
nb_mime_priority_overrides = [('html', 'application/vnd.jupyter.widget-view+json', None)]
myst_enable_extensions = ['colon_fence']
suppress_warnings = ['mystnb.unknown_mime_type']
