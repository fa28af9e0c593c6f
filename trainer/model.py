"""The QGS reference model family (docs/model-contract.md, docs/trainer.md).

One module, three variants chosen by `ModelConfig.encoder`:
  - "linear":    pair-token history + query-conditioned target, HSTU blocks whose attention is a
                 causal linear recurrence S_t = γ_h·S_{t-1} + φ(k_t)v_tᵀ (chunked, O(L), no L×L tensor);
  - "softmax":   same, with causal softmax attention (the quadratic reference);
  - "flattened": the baseline — item-only history, state not conditioned on the target query,
                 softmax HSTU blocks.
All three share the scorer (HFG-Attention over feature groups) and the ONNX contract.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from .tokenizer import TokenizerParams

# Action ids in history_actions (docs/model-contract.md). TARGET is internal: the model gives it to
# the appended target pair-token; it never appears in inputs.
ACTION_PAD, ACTION_NO_CLICK, ACTION_CLICK, ACTION_LONG_CLICK, ACTION_TARGET = 0, 1, 2, 3, 4
ENCODERS = ("linear", "softmax", "flattened")
MASKED_SCORE = -1.0e9  # score of a candidate whose candidate_mask is false

INPUT_NAMES = [
    "history_query_tokens",
    "history_item_tokens",
    "history_item_ids",
    "history_actions",
    "history_mask",
    "target_query_tokens",
    "candidate_item_ids",
    "candidate_item_tokens",
    "candidate_features",
    "candidate_mask",
]
OUTPUT_NAMES = ["score", "group_weight", "history_weight"]


@dataclass
class ModelConfig:
    encoder: str = "linear"
    groups: List[Tuple[str, List[str]]] = field(default_factory=list)  # (group, feature names) in input order
    tokenizer: TokenizerParams = field(default_factory=TokenizerParams)
    dim: int = 32
    heads: int = 2
    layers: int = 2
    chunk: int = 32  # linear encoder chunk length: a graph choice (no weight depends on it)
    scan_steps: int = 12  # unused since the chunk carry became a matrix; kept so saved configs load
    dropout: float = 0.1

    def __post_init__(self):
        if self.encoder not in ENCODERS:
            raise ValueError(f"encoder must be one of {ENCODERS}, got {self.encoder!r}")
        if not self.groups:
            raise ValueError("config needs at least one feature group")
        if self.dim % self.heads:
            raise ValueError(f"dim {self.dim} is not divisible by heads {self.heads}")

    @property
    def feature_names(self) -> List[str]:
        return [f for _, names in self.groups for f in names]

    def to_json(self) -> dict:
        d = asdict(self)
        d["tokenizer"] = asdict(self.tokenizer)
        d["groups"] = [[g, list(n)] for g, n in self.groups]
        return d

    @staticmethod
    def from_json(d: dict) -> "ModelConfig":
        d = dict(d)
        d["tokenizer"] = TokenizerParams(**d["tokenizer"])
        d["groups"] = [(g, list(n)) for g, n in d["groups"]]
        return ModelConfig(**d)


def pool_tokens(emb: nn.Embedding, tokens: torch.Tensor) -> torch.Tensor:
    """Mean of the embeddings of the non-padding tokens ([..., T] → [..., d]); zeros when empty."""
    # Row 0 of every token table is zero (padding_idx=0 keeps it so), so padding adds nothing to the
    # sum and needs no mask multiply (which cost as much as the gather at long L).
    real = (tokens > 0).to(torch.float32)
    count = real.sum(dim=-1, keepdim=True)
    # Token columns after the last real token anywhere in the tensor are padding everywhere: leave
    # them out of the gather (its [..., T, d] output is the largest tensor of the whole model; real
    # queries and titles use a few of their 16/24 slots). Exact: dropped columns only hold token 0.
    T = int(tokens.shape[-1])  # fixed by the tokenizer (a constant in the exported graph)
    column_used = real.reshape(-1, T).amax(dim=0)  # [T]: 1 where any row has a real token
    used = (column_used * torch.arange(1, T + 1, dtype=torch.float32, device=tokens.device)).max().clamp(min=1.0)
    used = used.to(torch.int64)  # ≥ 1: an empty gather would reduce to the wrong shape in onnxruntime
    return emb(tokens[..., :used]).sum(dim=-2) / count.clamp(min=1.0)


def feature_map(x: torch.Tensor) -> torch.Tensor:
    """φ(x) = elu(x) + 1: positive, so linear-attention weights are non-negative shares.
    Computed as exp(min(x, 0)) + max(x, 0) (the same function: elu(x) + 1 = eˣ for x ≤ 0, x + 1
    above): onnxruntime's Exp/Relu are vectorised where its Elu is not."""
    return torch.exp(torch.clamp(x, max=0.0)) + F.relu(x)


class ChunkDecay:
    """Decay structure of a chunked linear-attention pass, shared by every layer and head.

    Built from inclusive within-chunk cumulative amounts `cum` [..., B, N, c]: either cumulative
    log γ (generic per-step decays) or valid-step counts (the model: log γ_h is constant per head, so
    every decay is exp(log γ_h · count) and one structure of counts serves all layers and heads).
    Chunks are flattened to M = B·N rows (batch row b owns rows b·N … b·N+N−1), so the per-chunk
    work needs no dynamic shapes; only the carry across chunks is laid out [..., B, N, N].
    All exponents are ≤ 0 once scaled by log γ ≤ 0: nothing overflows at any L.
      within [..., M, c, c]: amount from step j to step i of a chunk (i ≥ j; 0 above the diagonal)
      tail   [..., M, c]:    amount from step i to the chunk's end (what its contribution decays by)
      cum    [..., M, c]:    amount from the chunk's start to step i (decays the state carried in)
      carry  [..., B, N, N]: amount from the end of chunk m to the start of chunk n (m < n; else 0)
      ends   [..., B, N]:    amount from the row's start to the end of chunk n
    """

    def __init__(self, cum: torch.Tensor):
        c = cum.shape[-1]
        lead = tuple(int(x) for x in cum.shape[:-3])  # () for the model; (H,) for per-head decays
        causal = torch.tril(torch.ones(c, c, dtype=torch.bool, device=cum.device))
        self.causal = causal.to(cum.dtype)
        flat = cum.reshape(lead + (-1, c))
        self.within = torch.where(causal, flat.unsqueeze(-1) - flat.unsqueeze(-2), torch.zeros((), dtype=cum.dtype))
        total = cum[..., -1]  # [..., B, N]
        self.tail = (total.unsqueeze(-1) - cum).reshape(lead + (-1, c))
        self.cum = flat
        ends = torch.cumsum(total, dim=-1)  # amount up to the end of chunk n
        starts = ends - total  # up to the start of chunk n
        self.ends = ends
        N = total.shape[-1]
        idx = torch.arange(N, device=cum.device)
        before = idx.view(-1, 1) > idx.view(1, -1)  # m < n
        self.before = before.to(cum.dtype)
        self.carry = torch.where(before, starts.unsqueeze(-1) - ends.unsqueeze(-2), torch.zeros((), dtype=cum.dtype))


def _scaler(scale):
    """x ↦ x · log γ_h with a head axis in front (identity when the decays are already logs)."""
    return (lambda x: x) if scale is None else (lambda x: x * scale.view((-1,) + (1,) * x.dim()))


def chunk_contributions(kt, v1, d: ChunkDecay, scale=None):
    """Each chunk's contribution to the state at its own end, Σ_i γ^(steps after i) k_i v1_iᵀ,
    laid out [H, B, N, dk·(dv+1)] for the carry across chunks. kt: keys transposed, [H,M,dk,c]."""
    H, dk, dv1 = int(kt.shape[0]), int(kt.shape[-2]), int(v1.shape[-1])
    s = _scaler(scale)
    contrib = torch.matmul(kt * torch.exp(s(d.tail)).unsqueeze(-2), v1)  # [H,M,dk,dv+1]
    return contrib.reshape(H, d.carry.shape[-3], -1, dk * dv1)


def final_state(contrib, to_end, scale=None):
    """State after the last step of each row, [H, B, dk·(dv+1)]: Σ_n γ^(steps after chunk n) contrib_n.
    contrib [H,B,N,·] (chunk_contributions); to_end [B,N] (amount after each chunk's end)."""
    w = torch.exp(_scaler(scale)(to_end)).unsqueeze(-2)  # [H,B,1,N]
    return torch.matmul(w, contrib).squeeze(-2)


def chunked_linear_attention(q, kt, v, d: ChunkDecay, scale=None, to_end=None):
    """Causal normalised linear attention on chunked inputs, O(T·c + N²) for N = T/c chunks per row.

    q: [H, M, c, dk] and keys transposed kt: [H, M, dk, c] (through φ; zero on padded steps) — the
    layout both matmuls take without a transpose; v: [H, M, c, dv], M = B·N chunks
    (ChunkDecay's layout); scale: log γ_h [H] when d holds step counts (None: d holds log decays).
    S_t = γ_t·S_{t-1} + k_t v_tᵀ,  z_t = γ_t·z_{t-1} + k_t,  o_t = q_tᵀS_t / (q_tᵀz_t + ε):
    inside a chunk a c×c decay-weighted matrix; across chunks one N×N matrix of chunk-to-chunk decays
    applied to the chunks' own state contributions — a handful of graph nodes at any L, where a
    scan over chunks needs a fixed number of steps in a static graph. Returns [H, M, c, dv], and with
    `to_end` ([B,N]) also the state after each row's last step ([H, B, dk·(dv+1)], S and z side by side).
    """
    H, dk, dv = int(q.shape[0]), int(kt.shape[-2]), int(v.shape[-1])
    s = _scaler(scale)
    v1 = torch.cat([v, torch.ones_like(v[..., :1])], dim=-1)  # extra column carries the normaliser z
    decay = torch.exp(s(d.within)) * d.causal  # the mask zeroes i < j (their exponent was set to 0)
    out = torch.matmul(torch.matmul(q, kt) * decay, v1)  # intra-chunk [H,M,c,dv+1]
    contrib = chunk_contributions(kt, v1, d, scale)  # [H,B,N,·]
    carry = torch.exp(s(d.carry)) * d.before  # [H,B,N,N]: the state entering every chunk
    carried = torch.matmul(carry, contrib).reshape(H, -1, dk, dv + 1)
    out = out + torch.matmul(q * torch.exp(s(d.cum)).unsqueeze(-1), carried)
    out = out[..., :dv] / (out[..., dv:] + 1e-6)
    if to_end is None:
        return out
    return out, final_state(contrib, to_end, scale)


def step_scores(kt, q, B):
    """φ(q)·φ(k_s) for every step s of each row: kt [H, B·N, dk, c] (zero on padded steps), q [H,B,dk]
    → [H, B, N·c]."""
    H, dk, c = int(kt.shape[0]), int(kt.shape[-2]), int(kt.shape[-1])
    return torch.matmul(q.reshape(H, -1, 1, 1, dk), kt.reshape(H, B, -1, dk, c)).reshape(H, B, -1)


def linear_attention(q, k, v, log_decay, valid, chunk: int, scan_steps: int = 0):
    """Causal normalised linear attention with per-step decay on [B,H,T,·] tensors (any T).

    q, k: [B,H,T,dk] (already through φ); v: [B,H,T,dv]; log_decay: [B,H,T] (log γ where the step
    is valid, 0 where padded: padding neither decays nor contributes); valid: [B,1,T,1] float.
    `scan_steps` is accepted for old callers and unused (the carry across chunks is a matrix now).
    """
    B, H, T, dk = q.shape
    pad = (chunk - T % chunk) % chunk
    k = F.pad(k * valid, (0, 0, 0, pad))
    q = F.pad(q, (0, 0, 0, pad))
    v = F.pad(v, (0, 0, 0, pad))
    log_decay = F.pad(log_decay, (0, pad))
    N = q.shape[2] // chunk
    to_chunks = lambda t: t.transpose(0, 1).reshape(H, B * N, chunk, t.shape[-1])  # noqa: E731
    d = ChunkDecay(torch.cumsum(log_decay.reshape(B, H, N, chunk), dim=-1).transpose(0, 1))
    out = chunked_linear_attention(to_chunks(q), to_chunks(k).transpose(-1, -2), to_chunks(v), d)
    return out.reshape(H, B, N * chunk, -1).transpose(0, 1)[:, :, :T]


def target_linear_weights(q_last, k, log_decay, valid):
    """Share of each step in the last position's linear-attention output: [B,H,T], O(T)."""
    # Decay from step s to the last step is the sum of log decays after s (suffix sum).
    after = log_decay.sum(dim=-1, keepdim=True) - torch.cumsum(log_decay, dim=-1)
    w = torch.exp(after) * (k * valid * q_last.unsqueeze(2)).sum(-1)
    return w


def softmax_attention(q, k, v, positions, log_decay_h, valid_bool):
    """Causal softmax attention with a per-head distance penalty (log γ_h · valid-step distance).

    The penalty mirrors the linear encoder's decay so both variants see recency the same way.
    Returns (output [B,H,T,dv], attention [B,H,T,T]).
    """
    dk = q.shape[-1]
    logits = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(dk)
    dist = (positions.unsqueeze(-1) - positions.unsqueeze(-2)).unsqueeze(1)  # [B,1,T,T]
    logits = logits + log_decay_h.view(1, -1, 1, 1) * dist
    T = q.shape[2]
    idx = torch.arange(T, device=q.device)
    causal = idx.view(-1, 1) >= idx.view(1, -1)
    allowed = causal.view(1, 1, T, T) & valid_bool.view(valid_bool.shape[0], 1, 1, T)
    allowed = allowed | (idx.view(-1, 1) == idx.view(1, -1)).view(1, 1, T, T)  # a row is never empty
    attn = torch.softmax(logits.masked_fill(~allowed, -1e9), dim=-1)
    return torch.matmul(attn, v), attn


class HSTUBlock(nn.Module):
    """U,V,Q,K = split(SiLU(W·LN(X))); A = attention(Q,K,V); Y = W_o(LN(A) ⊙ U) + X."""

    def __init__(self, cfg: ModelConfig, linear: bool):
        super().__init__()
        self.cfg, self.linear = cfg, linear
        d = cfg.dim
        self.norm_in = nn.LayerNorm(d)
        self.uvqk = nn.Linear(d, 4 * d)
        self.norm_attn = nn.LayerNorm(d)
        self.out = nn.Linear(d, d)
        self.drop = nn.Dropout(cfg.dropout)
        # Per-head decay γ_h = sigmoid(θ_h), initialised from 0.7 to 0.98 so heads start with different memory spans.
        init = torch.linspace(0.7, 0.98, cfg.heads)
        self.decay_logit = nn.Parameter(torch.log(init / (1 - init)))

    def forward(self, x, valid, positions):
        """x [B,T,d]; valid [B,T] bool; positions [B,T] float (count of valid steps so far).
        Returns (y, weights of the last position over all positions [B,H,T]).
        (QGSModel runs linear blocks through history_rows/target_step instead: same function.)"""
        B, T, d = x.shape
        H = self.cfg.heads
        if self.linear:
            plan = LinearPlan(valid, self.cfg.chunk)
            rows, _, (kt, q) = self.history_rows(plan.to_rows(x), plan, with_qk=True)
            # Weights of the last position: γ^(valid steps after s) · φ(q_last)·φ(k_s).
            q_last = q.reshape(H, B, -1, d // H)[:, :, -1]  # [H,B,dk]
            w = torch.exp(plan.after * self.log_gamma().view(H, 1, 1)) * step_scores(kt, q_last, B)
            return plan.from_rows(rows)[:, plan.pad:], w.transpose(0, 1)[..., plan.pad:]
        u, v, q, k = torch.chunk(F.silu(self.uvqk(self.norm_in(x))), 4, dim=-1)
        split = lambda t: t.reshape(B, T, H, d // H).transpose(1, 2)  # noqa: E731
        q, k, v = split(q), split(k), split(v)
        a, attn = softmax_attention(q, k, v, positions, self.log_gamma(), valid)
        w = attn[:, :, -1, :]
        a = a.transpose(1, 2).reshape(B, T, d)
        y = self.out(self.drop(self.norm_attn(a) * u)) + x
        return y, w

    def log_gamma(self):
        return F.logsigmoid(self.decay_logit)  # [H], ≤ 0

    def history_rows(self, x, plan: "LinearPlan", outputs: bool = True, with_qk: bool = False):
        """The linear block over history chunk rows x [M, c, d] (M = B·N, LinearPlan's layout).
        Per-position layers do not care about the layout, so no dynamic reshape happens here.
        Returns (y rows or None, the state after the history [H,B,dk·(dv+1)], (kt, q) if asked or
        (kt, None) when outputs=False; kt = φ(k) transposed, [H,M,dk,c]).
        outputs=False (the last layer: only the target's output is used downstream) computes just
        k and v of the history — what the state needs — and skips everything else."""
        c, d = x.shape[1], x.shape[2]
        H = self.cfg.heads
        lg = self.log_gamma()
        h = self.norm_in(x)
        if not outputs:
            # Only the v and k columns of uvqk (u, v, q, k order): one constant-folded weight slice.
            W, bias = self.uvqk.weight, self.uvqk.bias
            vk = F.silu(F.linear(h, torch.cat([W[d:2 * d], W[3 * d:]]), torch.cat([bias[d:2 * d], bias[3 * d:]])))
            vk = vk.reshape(-1, c, 2, H, d // H)
            v = vk[:, :, 0].permute(2, 0, 1, 3)  # [H,M,c,dh]
            kt = feature_map(vk[:, :, 1].permute(2, 0, 3, 1)) * plan.kmask_t  # [H,M,dh,c]
            v1 = torch.cat([v, torch.ones_like(v[..., :1])], dim=-1)
            state = final_state(chunk_contributions(kt, v1, plan.decay, lg), plan.to_end, lg)
            return None, state, (kt, None)
        u, vqk = torch.split(F.silu(self.uvqk(h)), [d, 3 * d], dim=-1)
        # v, q into [2, H, M, c, d/H] and k straight into [H, M, d/H, c]: what the matmuls take.
        vqk = vqk.reshape(-1, c, 3, H, d // H)
        vq = vqk[:, :, :2].permute(2, 3, 0, 1, 4)
        v, q = vq[0], feature_map(vq[1])
        kt = feature_map(vqk[:, :, 2].permute(2, 0, 3, 1)) * plan.kmask_t  # padded steps contribute nothing
        a, state = chunked_linear_attention(q, kt, v, plan.decay, lg, plan.to_end)  # [H,M,c,dv]
        a = a.permute(1, 2, 0, 3).reshape(-1, c, d)
        y = self.out(self.drop(self.norm_attn(a) * u)) + x
        return y, state, ((kt, q) if with_qk else None)

    def target_step(self, xt, state):
        """The block at the target position xt [B,d], given the state after the history
        [H,B,dk·(dv+1)]: S_T = γ·S + k_T v_Tᵀ, o_T = q_Tᵀ S_T / (q_Tᵀ z_T + ε) (the target is a valid
        step, so it decays the history once). Returns (y [B,d], φ(q_T) [H,B,dk])."""
        B, d = xt.shape
        H = self.cfg.heads
        dh = d // H
        u, v, q, k = torch.chunk(F.silu(self.uvqk(self.norm_in(xt))), 4, dim=-1)
        heads = lambda t: t.reshape(-1, H, dh).transpose(0, 1)  # noqa: E731  [H,B,dh]
        q, k, v = feature_map(heads(q)), feature_map(heads(k)), heads(v)
        v1 = torch.cat([v, torch.ones_like(v[..., :1])], dim=-1)
        gamma = torch.exp(self.log_gamma()).view(H, 1, 1, 1)
        S = gamma * state.reshape(H, -1, dh, dh + 1) + k.unsqueeze(-1) * v1.unsqueeze(-2)  # [H,B,dk,dv+1]
        o = torch.matmul(q.unsqueeze(-2), S).squeeze(-2)  # [H,B,dv+1]
        o = (o[..., :dh] / (o[..., dh:] + 1e-6)).transpose(0, 1).reshape(-1, d)
        return self.out(self.drop(self.norm_attn(o) * u)) + xt, q


class LinearPlan:
    """What every linear block of one forward pass shares: the left padding of the history to whole
    chunks, the chunk-row layout [B·N, c, d], the mask of padded steps, and the decay structure in
    valid-step counts (log γ_h scales it per head and layer)."""

    def __init__(self, valid: torch.Tensor, chunk: int):
        T = valid.shape[1]
        self.B = valid.shape[0]
        self.chunk = chunk
        self.pad = (chunk - T % chunk) % chunk
        # Padding goes in front (the last step stays last); padded steps are invalid: no decay, no contribution.
        vf = F.pad(valid.to(torch.float32), (self.pad, 0))
        self.kmask_t = vf.reshape(-1, 1, chunk)  # [M,1,c]: masks transposed keys
        counts = torch.cumsum(vf.reshape(self.B, -1, chunk), dim=-1)  # [B,N,c]
        self.decay = ChunkDecay(counts)
        ends = self.decay.ends  # [B,N]
        total = ends[..., -1:]
        self.to_end = total - ends  # valid steps after each chunk's end
        # Valid steps after each step up to the end of the row.
        so_far = counts + (ends - counts[..., -1]).unsqueeze(-1)
        self.after = (total.unsqueeze(-1) - so_far).reshape(self.B, -1)  # [B,T]

    def to_rows(self, x: torch.Tensor) -> torch.Tensor:
        """[B,T,d] → left-padded chunk rows [B·N, c, d]."""
        return F.pad(x, (0, 0, self.pad, 0)).reshape(-1, self.chunk, x.shape[-1])

    def from_rows(self, x: torch.Tensor) -> torch.Tensor:
        """Chunk rows → [B, T_padded, d] (the padding still in front)."""
        return x.reshape(self.B, -1, x.shape[-1])


class _NoFeatures(nn.Module):
    """The token of a feature group that has no features: zeros (group_emb is added by the caller)."""

    def __init__(self, d: int):
        super().__init__()
        self.d = d

    def forward(self, x):
        return x.new_zeros(x.shape[:-1] + (self.d,))


class HFGAttention(nn.Module):
    """Hierarchical feature-group attention: one token per feature group, fused by an attention
    whose query is built from user state, target query and candidate. Its weights are group_weight."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.dim
        self.slices: List[Tuple[int, int]] = []
        start = 0
        for _, names in cfg.groups:
            self.slices.append((start, start + len(names)))
            start += len(names)
        # A group without features (logs that carry none: pair tokens and ids alone) is a learned
        # token of its own: its MLP input is empty, so it contributes only group_emb.
        self.group_mlps = nn.ModuleList(
            [nn.Sequential(nn.Linear(b - a, d), nn.SiLU(), nn.Linear(d, d)) if b > a else _NoFeatures(d) for a, b in self.slices]
        )
        self.group_emb = nn.Parameter(torch.randn(len(self.slices), d) * 0.02)
        self.context = nn.Sequential(nn.Linear(4 * d, d), nn.SiLU(), nn.Linear(d, d))
        self.key = nn.Linear(d, d)
        self.value = nn.Linear(d, d)
        self.scale = 1.0 / math.sqrt(d)

    def forward(self, feats, user, query, cand):
        """feats [B,C,F] (normalised); user, query [B,d]; cand [B,C,d] → (fused [B,C,d], ctx, weights [B,C,G])."""
        C = cand.shape[1]
        u = user.unsqueeze(1).expand(-1, C, -1)
        qq = query.unsqueeze(1).expand(-1, C, -1)
        ctx = self.context(torch.cat([u, qq, cand, u * cand], dim=-1))  # [B,C,d]
        tokens = torch.stack(
            [mlp(feats[..., a:b]) for mlp, (a, b) in zip(self.group_mlps, self.slices)], dim=2
        ) + self.group_emb  # [B,C,G,d]
        logits = (self.key(tokens) * ctx.unsqueeze(2)).sum(-1) * self.scale
        weights = torch.softmax(logits, dim=-1)
        fused = (weights.unsqueeze(-1) * self.value(tokens)).sum(dim=2)
        return fused, ctx, weights


class QGSModel(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        d, tok = cfg.dim, cfg.tokenizer
        self.token_emb = nn.Embedding(tok.token_buckets, d, padding_idx=0)
        self.item_emb = nn.Embedding(tok.item_buckets, d, padding_idx=0)
        self.action_emb = nn.Embedding(5, d)
        self.query_proj = nn.Linear(d, d)
        self.item_proj = nn.Linear(2 * d, d)
        self.pair_proj = nn.Linear(3 * d, d)  # [query; item; action] → one pair token
        linear = cfg.encoder == "linear"
        self.blocks = nn.ModuleList([HSTUBlock(cfg, linear) for _ in range(cfg.layers)])
        self.final_norm = nn.LayerNorm(d)
        self.hfg = HFGAttention(cfg)
        self.head = nn.Sequential(nn.Linear(4 * d, d), nn.SiLU(), nn.Linear(d, 1))
        nfeat = len(cfg.feature_names)
        # Feature standardisation is part of the graph, so the app sends raw feature values.
        self.register_buffer("feat_mean", torch.zeros(nfeat))
        self.register_buffer("feat_std", torch.ones(nfeat))
        nn.init.normal_(self.token_emb.weight, std=0.05)
        nn.init.normal_(self.item_emb.weight, std=0.05)
        with torch.no_grad():
            self.token_emb.weight[0].zero_()
            self.item_emb.weight[0].zero_()

    def item_repr(self, item_tokens, item_ids):
        return self.item_proj(torch.cat([pool_tokens(self.token_emb, item_tokens), self.item_emb(item_ids)], dim=-1))

    def encode_appended(self, steps, target_tok, hist_valid):
        """User state and history_weight with the target appended after the history and every block
        run over the whole sequence: how softmax and flattened encode, and the plain reference
        for the linear encoder's faster form (encode_target_step; trainer test checks they agree)."""
        x = torch.cat([steps, target_tok.unsqueeze(1)], dim=1)  # [B,L+1,d]
        valid = F.pad(hist_valid, (0, 1), value=True)
        positions = torch.cumsum(valid.to(x.dtype), dim=1)
        for block in self.blocks:
            x, w = block(x, valid, positions)
        user = self.final_norm(x[:, -1])  # [B,d]
        # history_weight: the last layer's attention of the target over history, mean over heads,
        # renormalised over valid history steps (all zeros when there is none).
        hw = w.mean(dim=1)[:, :-1] * hist_valid.to(x.dtype)
        return user, hw / hw.sum(dim=-1, keepdim=True).clamp(min=1e-12)

    def encode_target_step(self, steps, target_tok, hist_valid):
        """The linear encoder, same function as encode_appended. The target is the last step of the
        causal sequence, so every layer's target output is one step of the recurrence from the state
        after the history: the history runs as chunk rows (no padding to make room for the target),
        and the last layer only needs the history's state (its per-step outputs feed nothing)."""
        plan = LinearPlan(hist_valid, self.cfg.chunk)
        rows, xt = plan.to_rows(steps), target_tok
        last = len(self.blocks) - 1
        for i, block in enumerate(self.blocks):
            rows, state, kq = block.history_rows(rows, plan, outputs=i < last)
            xt, q_t = block.target_step(xt, state)
        user = self.final_norm(xt)  # [B,d]
        # history_weight: the last layer's share of each history step in the target's output,
        # γ^(valid steps after s, the target included)·φ(q_T)·φ(k_s), mean over heads,
        # renormalised over valid steps (all zeros when there is none).
        H = self.cfg.heads
        lg = self.blocks[last].log_gamma().view(H, 1, 1)
        w = torch.exp((plan.after + 1.0) * lg) * step_scores(kq[0], q_t, plan.B)  # [H,B,T]
        hw = w.mean(dim=0)[:, plan.pad:]
        return user, hw / hw.sum(dim=-1, keepdim=True).clamp(min=1e-12)

    def forward(
        self,
        history_query_tokens,
        history_item_tokens,
        history_item_ids,
        history_actions,
        history_mask,
        target_query_tokens,
        candidate_item_ids,
        candidate_item_tokens,
        candidate_features,
        candidate_mask,
    ):
        flattened = self.cfg.encoder == "flattened"
        target_q = self.query_proj(pool_tokens(self.token_emb, target_query_tokens))  # [B,d]
        hist_q = self.query_proj(pool_tokens(self.token_emb, history_query_tokens))  # [B,L,d]
        if flattened:
            hist_q = torch.zeros_like(hist_q)  # item-only history
        hist_item = self.item_repr(history_item_tokens, history_item_ids)
        steps = self.pair_proj(torch.cat([hist_q, hist_item, self.action_emb(history_actions)], dim=-1))
        # The target pair-token: the next query (none for the baseline) with a null item, the last
        # step of the causal sequence, so the encoder reads the state with query t+1 given.
        # pair_proj([tq; null item; action TARGET]) with its constant part folded: the null item is
        # item_proj(0) = its bias, the action row is fixed, so only the query term depends on input.
        d = self.cfg.dim
        W = self.pair_proj.weight
        const = W[:, d:2 * d] @ self.item_proj.bias + W[:, 2 * d:] @ self.action_emb.weight[ACTION_TARGET] + self.pair_proj.bias
        target_tok = const.expand_as(target_q) if flattened else F.linear(target_q, W[:, :d], const)
        hist_valid = history_mask.to(torch.bool)
        encode = self.encode_target_step if self.cfg.encoder == "linear" else self.encode_appended
        user, history_weight = encode(steps, target_tok, hist_valid)

        cand = self.item_repr(candidate_item_tokens, candidate_item_ids)  # [B,C,d]
        feats = ((candidate_features - self.feat_mean) / self.feat_std).clamp(-5.0, 5.0)
        fused, ctx, group_weight = self.hfg(feats, user, target_q, cand)
        qc = target_q.unsqueeze(1) * cand
        score = self.head(torch.cat([fused, ctx, qc, user.unsqueeze(1) * cand], dim=-1)).squeeze(-1)
        score = torch.where(candidate_mask.to(torch.bool), score, torch.tensor(MASKED_SCORE, dtype=score.dtype))
        return score, group_weight, history_weight


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def example_inputs(cfg: ModelConfig, B: int, L: int, C: int, seed: int = 0, pad: bool = True) -> Dict[str, torch.Tensor]:
    """Random but well-formed contract inputs (tests, parity, export tracing)."""
    g = torch.Generator().manual_seed(seed)
    tok = cfg.tokenizer
    Tq, Ti, F_ = tok.query_tokens, tok.title_tokens, len(cfg.feature_names)

    def tokens(*shape, n):
        t = torch.randint(1, tok.token_buckets, (*shape, n), generator=g)
        keep = torch.randint(0, n + 1, shape, generator=g).unsqueeze(-1)  # a random number of real tokens
        return torch.where(torch.arange(n).expand(*shape, n) < keep, t, torch.zeros_like(t))

    hist_mask = torch.ones(B, L, dtype=torch.bool)
    cand_mask = torch.ones(B, C, dtype=torch.bool)
    if pad and B > 1:
        for b in range(1, B):  # rows after the first get right padding of varying length
            hist_mask[b, max(0, L - b * max(1, L // B)):] = False
            cand_mask[b, max(1, C - b):] = False
    return {
        "history_query_tokens": tokens(B, L, n=Tq),
        "history_item_tokens": tokens(B, L, n=Ti),
        "history_item_ids": torch.randint(0, tok.item_buckets, (B, L), generator=g) * hist_mask,
        "history_actions": torch.randint(1, 4, (B, L), generator=g) * hist_mask,
        "history_mask": hist_mask,
        "target_query_tokens": tokens(B, n=Tq),
        "candidate_item_ids": torch.randint(1, tok.item_buckets, (B, C), generator=g),
        "candidate_item_tokens": tokens(B, C, n=Ti),
        "candidate_features": torch.randn(B, C, F_, generator=g) * 2,
        "candidate_mask": cand_mask,
    }


# Twelve features in three groups: the first demo world's, kept as the default for synthetic tests and
# fixtures and for a data folder without features.json. Real data (and the v2 demo, ten features)
# always brings its own groups in features.json.
DEMO_GROUPS: List[Tuple[str, List[str]]] = [
    ("text_match", ["bm25", "title_coverage", "exact_match", "semantic_sim"]),
    ("statistical", ["item_ctr", "log_popularity", "freshness", "title_len"]),
    ("behavioural", ["user_item_clicks", "user_topic_affinity", "session_topic_sim", "recent_click_sim"]),
]
