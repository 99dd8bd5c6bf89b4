"Real-browser fixtures: Debian's Chromium driven by Playwright, and a JupyterLab server on loopback."
import json, os, shutil, socket, subprocess, sys, time, urllib.request
import pytest

CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                 '--no-first-run', '--disable-sync', '--disable-quic']


@pytest.fixture(scope='session')
def browser():
    from playwright.sync_api import sync_playwright
    if not shutil.which('chromium'):  # a missing browser is a broken set-up: fail, never skip
        raise RuntimeError('chromium is not on PATH: tools/test.sh installs it (apt-get install chromium)')
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which('chromium'), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    "A fresh page that records console errors, page errors and any dialog (an alert() would mean injected script ran)."
    ctx = browser.new_context(viewport={'width': 1280, 'height': 900})
    pg = ctx.new_page()
    pg.events = []
    pg.on('pageerror', lambda e: pg.events.append(('pageerror', str(e))))
    pg.on('dialog', lambda d: (pg.events.append(('dialog', d.message)), d.dismiss()))
    yield pg
    ctx.close()


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


@pytest.fixture(scope='session')
def lab(tmp_path_factory):
    "A JupyterLab server on 127.0.0.1 serving a temporary folder; yields (base url, token, folder)."
    root = tmp_path_factory.mktemp('lab')
    home = tmp_path_factory.mktemp('home')
    port, token = _free_port(), 'neuroviz-test-token'
    env = {**os.environ, 'HOME': str(home), 'JUPYTER_RUNTIME_DIR': str(home / 'runtime'), 'JUPYTER_CONFIG_DIR': str(home / 'config'),
           'HF_HUB_OFFLINE': '1', 'OMP_NUM_THREADS': '1'}
    cmd = [sys.executable, '-m', 'jupyter', 'lab', '--no-browser', '--ServerApp.ip=127.0.0.1', f'--ServerApp.port={port}',
           '--ServerApp.port_retries=0', f'--IdentityProvider.token={token}', f'--ServerApp.root_dir={root}',
           '--LabApp.news_url=', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate']
    if os.geteuid() == 0: cmd.append('--allow-root')
    (home / 'config' / 'labconfig').mkdir(parents=True)  # no "news" pop-up over the widgets
    (home / 'config' / 'labconfig' / 'page_config.json').write_text(json.dumps({'disabledExtensions': {'@jupyterlab/apputils-extension:announcements': True}}))
    log = open(home / 'lab.log', 'w')
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f'http://127.0.0.1:{port}'
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f'{url}/api/status?token={token}', timeout=2) as r:
                    if r.status == 200: break
            except OSError: time.sleep(0.5)
            if proc.poll() is not None: raise RuntimeError((home / 'lab.log').read_text())
        else: raise RuntimeError('JupyterLab did not start: ' + (home / 'lab.log').read_text()[-2000:])
        yield url, token, root
    finally:
        proc.terminate()
        try: proc.wait(10)
        except subprocess.TimeoutExpired: proc.kill()


