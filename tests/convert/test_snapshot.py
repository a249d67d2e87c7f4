"""The StyleGAN snapshot reader: the authors' format read, and nothing in the stream ever run."""
import collections
import contextlib
import io
import pickle
import sys
import types

import numpy as np
import pytest

from ears_tf.convert.snapshot import read_snapshot
from ears_tf.errors import InputError
from tests.convert.conftest import require_fixture


def test_reads_the_authors_snapshot():
    fixture = require_fixture()
    snapshot = read_snapshot(fixture / "network-snapshot.pkl")
    assert (snapshot.G.name, snapshot.D.name, snapshot.Gs.name) == ("G", "D", "Gs")
    assert snapshot.Gs.build_func_name == "G_style"
    assert set(snapshot.Gs.components) == {"synthesis", "mapping"}
    assert snapshot.Gs.static_kwargs["fmap_base"] == 256
    synthesis = snapshot.Gs.components["synthesis"].variables
    assert synthesis["4x4/Const/const"].shape == (1, 16, 4, 4) and synthesis["4x4/Const/const"].dtype == np.float32
    assert np.ndim(synthesis["lod"]) == 0  # a numpy scalar in the stream


@contextlib.contextmanager
def fake_dnnlib(marker):
    """A stand-in for dnnlib's Network whose pickled state carries source that would write `marker` if run."""
    modules = {name: types.ModuleType(name) for name in ("dnnlib", "dnnlib.tflib", "dnnlib.tflib.network")}

    class Network:
        def __init__(self, name, variables, components=None):
            self.state = {"version": 3, "name": name, "static_kwargs": {}, "components": components or {},
                          "build_module_src": f"open({str(marker)!r}, 'w').write('ran')\n",
                          "build_func_name": "G_style", "variables": variables}

        def __getstate__(self):
            return self.state

        def __setstate__(self, state):  # what dnnlib does: exec the source
            exec(state["build_module_src"], {})

    Network.__module__ = "dnnlib.tflib.network"
    Network.__qualname__ = "Network"
    modules["dnnlib.tflib.network"].Network = Network
    sys.modules.update(modules)
    try:
        yield Network
    finally:
        for name in modules:
            del sys.modules[name]


def test_the_build_source_is_never_executed(tmp_path):
    marker = tmp_path / "ran.txt"
    with fake_dnnlib(marker) as Network:
        networks = tuple(Network(name, [("lod", np.float32(0.0)), ("w", np.ones((2, 3), np.float32))])
                         for name in ("G", "D", "Gs"))
        path = tmp_path / "snapshot.pkl"
        path.write_bytes(pickle.dumps(networks, protocol=4))
        pickle.loads(path.read_bytes())  # the stand-in's own loader runs the source: the test can fail
        assert marker.exists()
    marker.unlink()
    snapshot = read_snapshot(path)
    assert not marker.exists()
    assert snapshot.Gs.variables["w"].shape == (2, 3)


@pytest.mark.parametrize("payload, words", [
    (collections.OrderedDict(a=1), "unexpected class collections.OrderedDict"),
    (("G", "D", "Gs"), "not a dnnlib Network"),
    ([1, 2], "expected the tuple (G, D, Gs)"),
])
def test_other_pickles_are_refused(tmp_path, payload, words):
    path = tmp_path / "other.pkl"
    path.write_bytes(pickle.dumps(payload))
    with pytest.raises(InputError) as raised:
        read_snapshot(path)
    assert words in str(raised.value) and str(path) in str(raised.value)


def test_a_code_running_reduce_is_refused_unrun(tmp_path):
    marker = tmp_path / "ran.txt"

    class Exploit:
        def __reduce__(self):
            return (exec, (f"open({str(marker)!r}, 'w')",))

    path = tmp_path / "exploit.pkl"
    path.write_bytes(pickle.dumps((Exploit(), 1, 2)))
    with pytest.raises(InputError, match="unexpected class builtins.exec"):
        read_snapshot(path)
    assert not marker.exists()


@pytest.mark.parametrize("content", [b"", b"not a pickle at all", io.BytesIO(pickle.dumps((1, 2, 3)))
                                     .getvalue()[:-3]])
def test_truncated_or_foreign_bytes(tmp_path, content):
    path = tmp_path / "bad.pkl"
    path.write_bytes(content)
    with pytest.raises(InputError) as raised:
        read_snapshot(path)
    assert str(path) in str(raised.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such StyleGAN snapshot file"):
        read_snapshot(tmp_path / "none.pkl")
