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
    chunk: int = 32  # linear encoder chunk length (intra-chunk work is chunk×chunk per chunk)
    scan_steps: int = 12  # linear encoder: log2 of the max number of chunks (max L = chunk·2^steps − 1)
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

    @property
    def max_history(self) -> int:
        return self.chunk * (2 ** self.scan_steps) - 1

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
    count = (tokens > 0).to(torch.float32).sum(dim=-1, keepdim=True)
    return emb(tokens).sum(dim=-2) / count.clamp(min=1.0)


def feature_map(x: torch.Tensor) -> torch.Tensor:
    """φ(x) = elu(x) + 1: positive, so linear-attention weights are non-negative shares."""
    return F.elu(x) + 1.0


def linear_attention(q, k, v, log_decay, valid, chunk: int, scan_steps: int):
    """Causal normalised linear attention with per-step decay, chunked so memory and time are O(L).

    q, k: [B,H,T,dk] (already through φ); v: [B,H,T,dv]; log_decay: [B,H,T] (log γ_h where the step
    is valid, 0 where padded: padding neither decays nor contributes); valid: [B,1,T,1] float.

    S_t = exp(log_decay_t)·S_{t-1} + k_t v_tᵀ,  z_t = exp(log_decay_t)·z_{t-1} + k_t,
    o_t = q_tᵀS_t / (q_tᵀz_t + ε).
    Within a chunk the decays form a chunk×chunk lower-triangular matrix; across chunks the state is
    carried by a Hillis–Steele scan (log2(#chunks) shift-and-add steps). Every exponent is a sum of
    log γ ≤ 0, so nothing overflows however long the sequence is.
    """
    B, H, T, dk = q.shape
    dv = v.shape[-1]
    k = k * valid
    v = v * valid
    pad = (chunk - T % chunk) % chunk
    q = F.pad(q, (0, 0, 0, pad))
    k = F.pad(k, (0, 0, 0, pad))
    v = F.pad(v, (0, 0, 0, pad))
    log_decay = F.pad(log_decay, (0, pad))
    N = q.shape[2] // chunk
    q = q.reshape(B, H, N, chunk, dk)
    k = k.reshape(B, H, N, chunk, dk)
    v = v.reshape(B, H, N, chunk, dv)
    v1 = torch.cat([v, torch.ones_like(v[..., :1])], dim=-1)  # extra column carries the normaliser z
    cum = torch.cumsum(log_decay.reshape(B, H, N, chunk), dim=-1)  # decay from chunk start to step j
    total = cum[..., -1:]  # [B,H,N,1] decay over the whole chunk

    # Intra-chunk: weight of step i on step j (i ≤ j) is exp(cum_j − cum_i) ≤ 1.
    rel = cum.unsqueeze(-1) - cum.unsqueeze(-2)  # [B,H,N,c,c]
    causal = torch.tril(torch.ones(chunk, chunk, dtype=torch.bool, device=q.device))
    decay = torch.where(causal, torch.exp(torch.where(causal, rel, torch.zeros_like(rel))), torch.zeros_like(rel))
    scores = torch.matmul(q, k.transpose(-1, -2)) * decay
    out = torch.matmul(scores, v1)  # [B,H,N,c,dv+1]

    # Each chunk's own contribution to the state at its end: Σ_i exp(total − cum_i) k_i v1_iᵀ.
    kw = k * torch.exp(total - cum).unsqueeze(-1)
    contrib = torch.matmul(kw.transpose(-1, -2), v1)  # [B,H,N,dk,dv+1]
    # Inclusive scan over chunks: E_n = exp(total_n)·E_{n-1} + contrib_n (Hillis–Steele: after step
    # s, E_n covers chunks n-2^(s+1)+1..n). Eager mode stops once the span covers every chunk; the
    # exported graph runs a fixed number of steps (extra steps only add zeros) so it works for any L.
    state = contrib
    a = total.unsqueeze(-1)  # log of the decay across the span each E_n already covers
    idx = torch.arange(N, device=q.device)
    steps = scan_steps if torch.jit.is_tracing() else max(0, math.ceil(math.log2(max(N, 1))))
    shift = 1
    for _ in range(steps):
        src = idx - shift
        has_prev = (src >= 0).to(q.dtype).view(1, 1, -1, 1, 1)
        src = src.clamp(min=0)
        prev_state = state.index_select(2, src) * has_prev
        prev_a = a.index_select(2, src) * has_prev
        state = state + torch.exp(a) * prev_state
        a = a + prev_a
        shift *= 2
    # State entering chunk n is E_{n-1}; step j of chunk n sees it decayed by exp(cum_j).
    carried = F.pad(state, (0, 0, 0, 0, 1, 0))[:, :, :N]
    out = out + torch.matmul(q * torch.exp(cum).unsqueeze(-1), carried)
    out = out.reshape(B, H, N * chunk, dv + 1)[:, :, :T]
    return out[..., :dv] / (out[..., dv:] + 1e-6)


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
        Returns (y, weights of the last position over all positions [B,H,T])."""
        B, T, d = x.shape
        H = self.cfg.heads
        u, v, q, k = torch.chunk(F.silu(self.uvqk(self.norm_in(x))), 4, dim=-1)
        split = lambda t: t.reshape(B, T, H, d // H).transpose(1, 2)  # noqa: E731
        q, k, v = split(q), split(k), split(v)
        log_gamma = F.logsigmoid(self.decay_logit)  # [H], ≤ 0
        if self.linear:
            validf = valid.to(x.dtype)
            log_decay = log_gamma.view(1, H, 1) * validf.unsqueeze(1)  # padded steps do not decay the state
            fq, fk = feature_map(q), feature_map(k)
            vmask = validf.view(B, 1, T, 1)
            a = linear_attention(fq, fk, v, log_decay, vmask, self.cfg.chunk, self.cfg.scan_steps)
            w = target_linear_weights(fq[:, :, -1], fk, log_decay, vmask)
        else:
            a, attn = softmax_attention(q, k, v, positions, log_gamma, valid)
            w = attn[:, :, -1, :]
        a = a.transpose(1, 2).reshape(B, T, d)
        y = self.out(self.drop(self.norm_attn(a) * u)) + x
        return y, w


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
        B = target_query_tokens.shape[0]
        target_q = self.query_proj(pool_tokens(self.token_emb, target_query_tokens))  # [B,d]
        hist_q = self.query_proj(pool_tokens(self.token_emb, history_query_tokens))  # [B,L,d]
        if flattened:
            hist_q = torch.zeros_like(hist_q)  # item-only history
        hist_item = self.item_repr(history_item_tokens, history_item_ids)
        steps = self.pair_proj(torch.cat([hist_q, hist_item, self.action_emb(history_actions)], dim=-1))
        # The target pair-token: the next query (none for the baseline) with a null item, appended
        # last so the causal encoder reads the state with query t+1 given.
        tq = torch.zeros_like(target_q) if flattened else target_q
        null_item = self.item_proj(torch.zeros(B, 2 * self.cfg.dim, dtype=tq.dtype, device=tq.device))
        target_action = self.action_emb(torch.full((B,), ACTION_TARGET, dtype=torch.long, device=tq.device))
        target_tok = self.pair_proj(torch.cat([tq, null_item, target_action], dim=-1)).unsqueeze(1)
        x = torch.cat([steps, target_tok], dim=1)  # [B,L+1,d]
        hist_valid = history_mask.to(torch.bool)
        valid = torch.cat([hist_valid, torch.ones(B, 1, dtype=torch.bool, device=x.device)], dim=1)
        positions = torch.cumsum(valid.to(x.dtype), dim=1)
        w = None
        for block in self.blocks:
            x, w = block(x, valid, positions)
        user = self.final_norm(x[:, -1])  # [B,d]
        # history_weight: the last layer's attention of the target over history, mean over heads,
        # renormalised over valid history steps (all zeros when there is none).
        hw = w.mean(dim=1)[:, :-1] * hist_valid.to(x.dtype)
        history_weight = hw / hw.sum(dim=-1, keepdim=True).clamp(min=1e-12)

        cand = self.item_repr(candidate_item_tokens, candidate_item_ids)  # [B,C,d]
        feats = ((candidate_features - self.feat_mean) / self.feat_std).clamp(-5.0, 5.0)
        fused, ctx, group_weight = self.hfg(feats, user, target_q, cand)
        qc = target_q.unsqueeze(1) * cand
        score = self.head(torch.cat([fused, ctx, qc, user.unsqueeze(1) * cand], dim=-1)).squeeze(-1)
        score = torch.where(candidate_mask.to(torch.bool), score, torch.full_like(score, MASKED_SCORE))
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


DEMO_GROUPS: List[Tuple[str, List[str]]] = [
    ("text_match", ["bm25", "title_coverage", "exact_match", "semantic_sim"]),
    ("statistical", ["item_ctr", "log_popularity", "freshness", "title_len"]),
    ("behavioural", ["user_item_clicks", "user_topic_affinity", "session_topic_sim", "recent_click_sim"]),
]
