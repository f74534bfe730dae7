#!/usr/bin/python3
"""Convert ONNX's backend test data (Debian's libonnx-testdata) into what `trt-node check` reads.

For every test folder <data>/<suite>/<test>/ with a model.onnx and a test_data_set_0/ of input_N.pb / output_N.pb
(TensorProto protobufs), writes <out>/<suite>/<test>/in.npz and out.npz, named after the model's graph inputs and
outputs, and one <out>/manifest.json with, per test, what the python onnx package reads in the model (the structure
the suite compares trt-node's reader with) or why the test cannot be converted (sequence/optional values, bfloat16).

Run with Debian's python (onnx 1.12, numpy): /usr/bin/python3 scripts/conformance/convert.py <data> <out>
Only test_data_set_0 is used. Arrays are written with np.array(a, order='C'): np.ascontiguousarray would turn a 0-d
array into shape (1,).
"""
import json
import os
import sys
import zipfile

import numpy as np
import onnx
from onnx import numpy_helper

SUITES = ("node", "pytorch-converted", "pytorch-operator", "simple")


def dims_of(type_proto):
    """The dims of a tensor type as the reader reports them: int, symbol name, or None for unknown; None when no shape."""
    tt = type_proto.tensor_type
    if not tt.HasField("shape"):
        return None
    out = []
    for d in tt.shape.dim:
        which = d.WhichOneof("value")
        out.append(d.dim_value if which == "dim_value" else d.dim_param if which == "dim_param" else None)
    return out


def value_kind(type_proto):
    return type_proto.WhichOneof("value")


def structure(model):
    g = model.graph
    init = {t.name for t in g.initializer}
    return {
        "irVersion": model.ir_version,
        "opsets": sorted([[o.domain if o.domain != "ai.onnx" else "", o.version] for o in model.opset_import]),
        "inputs": [
            {"name": i.name, "elemType": i.type.tensor_type.elem_type, "dims": dims_of(i.type),
             "isInitializer": i.name in init}
            for i in g.input
        ],
        "outputs": [
            {"name": o.name, "elemType": o.type.tensor_type.elem_type, "dims": dims_of(o.type)}
            for o in g.output
        ],
        "nodeCount": len(g.node),
        "initializerCount": len(g.initializer),
        "opTypes": sorted({f"{n.domain if n.domain != 'ai.onnx' else ''}::{n.op_type}" for n in g.node}),
    }


def unconvertible(model):
    """Why the test's values cannot be handed to a tensor-only tool, or None."""
    g = model.graph
    for v in list(g.input) + list(g.output):
        kind = value_kind(v.type)
        if kind != "tensor_type":
            return f"'{v.name}' has {kind.replace('_type', '')} type: onnxruntime-node's API takes and returns tensors only"
        if v.type.tensor_type.elem_type == onnx.TensorProto.BFLOAT16:
            return f"'{v.name}' is bfloat16: numpy has no bfloat16 dtype and onnxruntime-node's JS API no bfloat16 tensor"
    return None


def save_npz(path, arrays):
    """np.savez's layout (one .npy per array, stored). Not np.savez itself: with numpy 1.24 it drops an array named
    'like' (CastLike's input), a keyword its dispatch machinery takes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, arr in arrays.items():
            with z.open(f"{name}.npy", "w", force_zip64=True) as f:
                np.lib.format.write_array(f, arr, allow_pickle=True)


def read_tensors(folder, prefix, count):
    arrays = []
    for i in range(count):
        path = os.path.join(folder, f"{prefix}_{i}.pb")
        t = onnx.TensorProto()
        with open(path, "rb") as f:
            t.ParseFromString(f.read())
        arrays.append((t.name, plain(numpy_helper.to_array(t))))
    return arrays


def plain(a):
    """C order (np.array, not ascontiguousarray, which makes a 0-d array 1-d), and ONNX string tensors (object
    arrays of bytes from numpy_helper) as numpy's own fixed-width unicode arrays ('<U'), the form users save."""
    if a.dtype == object:
        return np.array([x.decode("utf-8") if isinstance(x, bytes) else str(x) for x in a.ravel()], dtype=np.str_).reshape(a.shape)
    return np.array(a, order="C")


def count_files(folder, prefix):
    n = 0
    while os.path.exists(os.path.join(folder, f"{prefix}_{n}.pb")):
        n += 1
    return n


def convert_test(src, dst, model):
    data = os.path.join(src, "test_data_set_0")
    g = model.graph
    init = {t.name for t in g.initializer}
    feeds = [i.name for i in g.input if i.name not in init]
    n_in, n_out = count_files(data, "input"), count_files(data, "output")
    inputs = read_tensors(data, "input", n_in)
    outputs = read_tensors(data, "output", n_out)
    # The protobufs are positional (ONNX's runner zips them with the model's non-initializer inputs); their own names,
    # where set, agree with the graph's and are used when they name a graph input.
    named_in = {}
    for pos, (name, arr) in enumerate(inputs):
        key = name if name in feeds else feeds[pos]
        named_in[key] = arr
    named_out = {g.output[pos].name: arr for pos, (_name, arr) in enumerate(outputs)}
    os.makedirs(dst, exist_ok=True)
    save_npz(os.path.join(dst, "in.npz"), named_in)
    save_npz(os.path.join(dst, "out.npz"), named_out)
    return {
        "inputs": {k: [str(v.dtype), list(v.shape)] for k, v in named_in.items()},
        "outputs": {k: [str(v.dtype), list(v.shape)] for k, v in named_out.items()},
    }


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: convert.py <libonnx-testdata data folder> <output folder>")
    data, out = sys.argv[1], sys.argv[2]
    tests = []
    for suite in SUITES:
        root = os.path.join(data, suite)
        for name in sorted(os.listdir(root)):
            src = os.path.join(root, name)
            model_path = os.path.join(src, "model.onnx")
            if not os.path.isfile(model_path):
                continue
            model = onnx.load(model_path)
            entry = {"id": f"{suite}/{name}", "model": model_path, "structure": structure(model)}
            why = unconvertible(model)
            if why:
                entry["unconvertible"] = why
            else:
                entry.update(convert_test(src, os.path.join(out, suite, name), model))
                entry["in"] = os.path.join(out, suite, name, "in.npz")
                entry["out"] = os.path.join(out, suite, name, "out.npz")
            tests.append(entry)
    manifest = {"onnx": onnx.__version__, "numpy": np.__version__, "data": data, "tests": tests}
    tmp = os.path.join(out, "manifest.json.tmp")
    with open(tmp, "w") as f:
        json.dump(manifest, f)
    os.replace(tmp, os.path.join(out, "manifest.json"))
    print(f"converted {sum('in' in t for t in tests)} of {len(tests)} tests into {out}")


if __name__ == "__main__":
    main()
