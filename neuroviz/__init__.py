"neuroviz: look inside neural networks one neuron at a time. Importing it does nothing but define names: torch loads on first use."
__version__ = "0.1.0"

_EXPORTS = {
    'load': 'sites', 'Model': 'sites', 'Site': 'sites', 'SiteError': 'sites', 'UnitError': 'sites', 'bundled_path': 'sites',
    'Intervention': 'interventions', 'Interventions': 'interventions', 'Clamp': 'interventions', 'Scale': 'interventions',
    'Ablate': 'interventions', 'Add': 'interventions', 'Patch': 'interventions',
    'capture': 'engine', 'intervene': 'engine', 'generate': 'engine', 'run': 'engine', 'Activations': 'engine',
    'Generation': 'engine', 'hook_snapshot': 'engine',
    'compare': 'steer', 'logprob_effect': 'steer', 'loss_effect': 'steer', 'logit_diff': 'steer', 'contrast': 'steer',
    'verify': 'steer', 'steering_vector': 'steer', 'sweep': 'steer', 'sweep_figure': 'steer',
    'heatmap': 'heatmap', 'text_heatmap': 'heatmap', 'layer_heatmap': 'heatmap', 'image_heatmap': 'heatmap',
    'unit_histogram': 'heatmap', 'TokenHeatmap': 'heatmap', 'TextHeatmap': 'heatmap', 'LayerHeatmap': 'heatmap',
    'ImageHeatmap': 'heatmap', 'ClampPanel': 'clamp', 'clamp_panel': 'clamp', 'writes': 'steer',
    'scan': 'scan', 'scan_ray': 'scan', 'Index': 'index', 'NeuronCard': 'card',
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    mod = _EXPORTS.get(name)
    if mod is None: raise AttributeError(f"module 'neuroviz' has no attribute {name!r}")
    import importlib
    importlib.import_module('neuroviz.engine')  # attaches capture/intervene/generate to Model
    value = getattr(importlib.import_module(f'neuroviz.{mod}'), name)
    globals()[name] = value
    return value


def __dir__(): return __all__ + ['__version__']
