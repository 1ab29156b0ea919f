#!/usr/bin/env python3
"""Derive batch-N copies of the BlazeFace ONNX models, so that the whole frame and all its tiles run as ONE
inference (on onnxruntime-web's WebGPU provider every run pays a fixed cost in dispatches and submits).

Run from the repository root (needs `pip install onnx`):

    python3 tools/batch-model.py

It rewrites models/face_detection_{back_256x256,front_128x128}_barracuda.onnx (the originals, kept in the
repository but not served) into public/models/face_detection_{back_256x256,front_128x128}_batch.onnx, the models
the app loads. The outputs are committed: the app and
the tests load them as they are and never need Python. The rewrite is deterministic (same input bytes, same onnx
version -> same output bytes), so rerunning it must leave `git status` clean.

What changes (weights and every other node stay as they are):
- `input:0` and the 4 outputs get dim 0 = "N";
- the 4 output Reshapes get their own shape initializer with -1 in place of the baked batch 1;
- tf2onnx lowered each channel padding (tf_op_layer_Pad*) to Concat(x, ConstantOfShape([1,C,H,W])) along axis 1,
  zeros of a fixed batch-1 shape; each becomes Pad(x, pads) padding C zero channels at the end, which holds for
  any batch;
- the stale batch-1 value_info is dropped and re-inferred.
"""

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / 'models'
MODELS = ROOT / 'public' / 'models'
PAIRS = [
    ('face_detection_back_256x256_barracuda.onnx', 'face_detection_back_256x256_batch.onnx'),
    ('face_detection_front_128x128_barracuda.onnx', 'face_detection_front_128x128_batch.onnx'),
]
BATCH = 'N'


def fail(msg: str) -> None:
    sys.exit(f'batch-model: {msg}')


def set_batch_dim(value: onnx.ValueInfoProto) -> None:
    dim = value.type.tensor_type.shape.dim[0]
    if dim.dim_value != 1:
        fail(f'{value.name}: dim 0 is {dim}, expected 1')
    dim.ClearField('dim_value')
    dim.dim_param = BATCH


def static_shapes(model: onnx.ModelProto) -> dict[str, list[int]]:
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    g = inferred.graph
    return {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
            for v in [*g.value_info, *g.input, *g.output]}


def rewrite(model: onnx.ModelProto) -> onnx.ModelProto:
    g = model.graph
    if [o.version for o in model.opset_import if o.domain in ('', 'ai.onnx')] != [12]:
        fail('expected opset 12 (Pad then takes pads as an input)')
    shapes = static_shapes(model)
    inits = {i.name: i for i in g.initializer}
    producers = {o: n for n in g.node for o in n.output}
    consumers: dict[str, int] = {}
    for n in g.node:
        for i in n.input:
            consumers[i] = consumers.get(i, 0) + 1

    set_batch_dim(g.input[0])
    for o in g.output:
        set_batch_dim(o)

    new_inits: list[onnx.TensorProto] = []
    dead: set[str] = set()
    nodes: list[onnx.NodeProto] = []
    reshapes = pads = 0
    for n in g.node:
        if n.op_type == 'Reshape':
            shape = numpy_helper.to_array(inits[n.input[1]])
            if shape[0] != 1:
                fail(f'{n.name}: shape {shape.tolist()} has no batch 1 to free')
            # Its own initializer, in case tf2onnx shared one between Reshapes.
            name = f"{n.output[0].removesuffix(':0')}/batch_shape"
            new_inits.append(numpy_helper.from_array(np.array([-1, *shape[1:]], dtype=np.int64), name))
            dead.add(n.input[1])
            n.input[1] = name
            reshapes += 1
        elif n.op_type == 'ConstantOfShape':
            continue  # replaced together with its Concat below; checked there
        elif n.op_type == 'Concat':
            x, zeros = n.input
            source = producers.get(zeros)
            axis = helper.get_attribute_value(n.attribute[0])
            if source is None or source.op_type != 'ConstantOfShape' or consumers[zeros] != 1 or axis != 1:
                fail(f'{n.name}: not the Concat(x, ConstantOfShape, axis=1) channel padding')
            if any(a.name == 'value' and numpy_helper.to_array(a.t).item() != 0 for a in source.attribute):
                fail(f'{source.name}: fills with a non-zero value')
            zshape = numpy_helper.to_array(inits[source.input[0]]).tolist()
            xshape = shapes[x]
            if zshape[0] != 1 or xshape[0] != 1 or zshape[2:] != xshape[2:]:
                fail(f'{n.name}: zeros {zshape} do not pad channels of {xshape}')
            pads_name = f"{n.output[0].removesuffix(':0')}/pads"
            # ONNX pads: all begins, then all ends; only the channel axis grows, at its end (where Concat put zeros).
            new_inits.append(numpy_helper.from_array(np.array([0, 0, 0, 0, 0, zshape[1], 0, 0], dtype=np.int64), pads_name))
            dead.add(source.input[0])
            nodes.append(helper.make_node('Pad', [x, pads_name], list(n.output), name=n.name or n.output[0].removesuffix(':0'), mode='constant'))
            pads += 1
            continue
        nodes.append(n)

    if reshapes != 4 or pads == 0:
        fail(f'expected 4 Reshapes and some channel pads, found {reshapes} and {pads}')
    still_used = {i for n in nodes for i in n.input}
    kept = [i for i in g.initializer if i.name not in dead or i.name in still_used]
    del g.node[:]
    g.node.extend(nodes)
    del g.initializer[:]
    g.initializer.extend([*kept, *new_inits])
    del g.value_info[:]
    print(f'  {pads} channel pads -> Pad, {reshapes} Reshapes -> batch -1')
    return model


def check(model: onnx.ModelProto) -> onnx.ModelProto:
    onnx.checker.check_model(model, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    g = inferred.graph
    # Every intermediate must carry the symbolic batch, or some node still bakes batch 1 in.
    for v in g.value_info:
        d0 = v.type.tensor_type.shape.dim[0]
        if d0.dim_param != BATCH:
            fail(f'{v.name}: dim 0 inferred as {d0}, not {BATCH}')
    return inferred


def main() -> None:
    for src, dst in PAIRS:
        print(f'{src} -> {dst}')
        model = rewrite(onnx.load(SOURCES / src))
        model = check(model)
        model.producer_name = f'{model.producer_name} + tools/batch-model.py'
        # Apache-2.0 section 4(b): a modified file carries a notice that it was changed.
        model.doc_string = (f'Modified from {src} (MediaPipe BlazeFace, Apache License 2.0) by tools/batch-model.py: '
                            'batch dimension made symbolic (N); channel paddings rewritten as Pad.')
        onnx.save(model, MODELS / dst)


if __name__ == '__main__':
    main()
