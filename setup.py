"Packaging for neuroviz: reads settings.ini (nbdev 2), without pkg_resources."
from configparser import ConfigParser
from pathlib import Path
import setuptools

cfg = ConfigParser(delimiters=['='])
cfg.read(Path(__file__).parent / 'settings.ini')
cfg = cfg['DEFAULT']
req = lambda key: cfg.get(key, '').split()
extras = {k: req(f'{k}_requirements') for k in ('widgets', 'minilm', 'dev', 'bench', 'distributed')}
extras['dev'] += extras['widgets']

setuptools.setup(
    name=cfg['lib_name'], version=cfg['version'], description=cfg['description'],
    long_description=(Path(__file__).parent / 'README.md').read_text(), long_description_content_type='text/markdown',
    author=cfg['author'], author_email=cfg['author_email'], license='Apache-2.0',
    keywords=cfg['keywords'], python_requires=f">={cfg['min_python']}",
    packages=setuptools.find_packages(include=['neuroviz', 'neuroviz.*']),
    package_data={'neuroviz': ['models/*/*', 'static/*']}, include_package_data=True,
    install_requires=req('requirements'), extras_require=extras, zip_safe=False,
    entry_points={'nbdev': [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
)
