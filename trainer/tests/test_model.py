"""Model behaviour: contract shapes, weight sums, causality, padding invariance, the linear recurrence."""
import pytest
import torch

from trainer.model import (
    DEMO_GROUPS, ENCODERS, HSTUBlock, MASKED_SCORE, ModelConfig, QGSModel, example_inputs,
    feature_map, linear_attention, target_linear_weights,
)


def make(encoder, **kw):
    torch.manual_seed(0)
    return QGSModel(ModelConfig(encoder=encoder, groups=DEMO_GROUPS, dropout=0.0, **kw)).eval()


@pytest.mark.parametrize("encoder", ENCODERS)
def test_output_shapes_and_sums(encoder):
    model = make(encoder)
    x = example_inputs(model.cfg, B=3, L=40, C=6)
    with torch.no_grad():
        score, gw, hw = model(**x)
    assert score.shape == (3, 6) and gw.shape == (3, 6, 3) and hw.shape == (3, 40)
    assert torch.allclose(gw.sum(-1), torch.ones(3, 6), atol=1e-5)
    assert torch.allclose(hw.sum(-1), torch.ones(3), atol=1e-5)
    assert (hw[~x["history_mask"]] == 0).all(), "padded history steps get no weight"
    assert (score[~x["candidate_mask"]] == MASKED_SCORE).all()
    assert torch.isfinite(score).all()


@pytest.mark.parametrize("encoder", ENCODERS)
def test_no_history_gives_zero_history_weight(encoder):
    model = make(encoder)
    x = example_inputs(model.cfg, B=2, L=4, C=3)
    x["history_mask"][:] = False
    with torch.no_grad():
        score, _, hw = model(**x)
    assert (hw == 0).all() and torch.isfinite(score).all()


@pytest.mark.parametrize("encoder", ENCODERS)
def test_padding_does_not_change_results(encoder):
    """Extra padded history steps and padded candidates change nothing for the real ones."""
    model = make(encoder)
    x = example_inputs(model.cfg, B=1, L=37, C=5, pad=False)
    padded = {}
    for name, t in x.items():
        if name.startswith("history"):
            extra = torch.zeros((1, 11) + tuple(t.shape[2:]), dtype=t.dtype)
            padded[name] = torch.cat([t, extra], dim=1)
        elif name.startswith("candidate"):
            extra = torch.zeros((1, 4) + tuple(t.shape[2:]), dtype=t.dtype)
            padded[name] = torch.cat([t, extra], dim=1)
        else:
            padded[name] = t
    with torch.no_grad():
        s1, g1, h1 = model(**x)
        s2, g2, h2 = model(**padded)
    assert torch.allclose(s1, s2[:, :5], atol=1e-5)
    assert torch.allclose(g1, g2[:, :5], atol=1e-5)
    assert torch.allclose(h1, h2[:, :37], atol=1e-6)


@pytest.mark.parametrize("linear", [True, False])
def test_encoder_is_causal(linear):
    """Changing step j leaves every output before j unchanged."""
    torch.manual_seed(1)
    cfg = ModelConfig(encoder="linear" if linear else "softmax", groups=DEMO_GROUPS, dropout=0.0, chunk=8)
    block = HSTUBlock(cfg, linear).eval()
    x = torch.randn(2, 50, cfg.dim)
    valid = torch.ones(2, 50, dtype=torch.bool)
    pos = torch.cumsum(valid.float(), 1)
    y1, _ = block(x, valid, pos)
    x2 = x.clone()
    x2[:, 30:] += torch.randn(2, 20, cfg.dim)
    y2, _ = block(x2, valid, pos)
    assert torch.allclose(y1[:, :30], y2[:, :30], atol=1e-6)
    assert not torch.allclose(y1[:, 30:], y2[:, 30:], atol=1e-3)


def naive_recurrence(q, k, v, log_decay, valid):
    """S_t = exp(log_decay_t)·S_{t-1} + k_t v_tᵀ ; z likewise; o_t = q_tᵀS_t / (q_tᵀz_t + ε), one step at a time."""
    B, H, T, dk = q.shape
    S = torch.zeros(B, H, dk, v.shape[-1], dtype=torch.float64)
    z = torch.zeros(B, H, dk, dtype=torch.float64)
    out = []
    q, k, v, log_decay, valid = (t.double() for t in (q, k, v, log_decay, valid))
    for t in range(T):
        g = torch.exp(log_decay[:, :, t]).view(B, H, 1, 1)
        kt = k[:, :, t] * valid[:, :, t]
        S = g * S + kt.unsqueeze(-1) * (v[:, :, t] * valid[:, :, t]).unsqueeze(-2)
        z = g[..., 0] * z + kt
        num = (q[:, :, t].unsqueeze(-1) * S).sum(-2)
        den = (q[:, :, t] * z).sum(-1, keepdim=True)
        out.append(num / (den + 1e-6))
    return torch.stack(out, dim=2), S, z


@pytest.mark.parametrize("T,chunk", [(1, 8), (8, 8), (100, 8), (257, 32)])
def test_chunked_linear_attention_equals_step_by_step_recurrence(T, chunk):
    torch.manual_seed(T)
    B, H, dk = 2, 2, 4
    q = feature_map(torch.randn(B, H, T, dk))
    k = feature_map(torch.randn(B, H, T, dk))
    v = torch.randn(B, H, T, dk)
    valid = (torch.rand(B, 1, T, 1) > 0.2).float()
    gamma = torch.tensor([0.6, 0.97])
    log_decay = torch.log(gamma).view(1, H, 1) * valid[..., 0]
    fast = linear_attention(q, k, v, log_decay, valid, chunk=chunk, scan_steps=8)
    slow, _, _ = naive_recurrence(q, k, v, log_decay, valid)
    assert torch.allclose(fast.double(), slow, atol=1e-4, rtol=1e-4)
    # The target weights are the last row of the same attention: weighted sum of v reproduces the output.
    w = target_linear_weights(q[:, :, -1], k, log_decay, valid)
    o_last = (w.unsqueeze(-1) * v * valid).sum(2) / (w.sum(-1, keepdim=True) + 1e-6)
    assert torch.allclose(o_last.double(), slow[:, :, -1], atol=1e-4, rtol=1e-4)


def test_long_sequence_decay_stays_finite():
    """Thousands of steps with a fast decay: no overflow, no NaN."""
    B, H, T, dk = 1, 2, 5000, 4
    q = feature_map(torch.randn(B, H, T, dk))
    k = feature_map(torch.randn(B, H, T, dk))
    v = torch.randn(B, H, T, dk)
    valid = torch.ones(B, 1, T, 1)
    log_decay = torch.log(torch.tensor([0.05, 0.999])).view(1, H, 1).expand(B, H, T)
    out = linear_attention(q, k, v, log_decay, valid, chunk=32, scan_steps=12)
    assert torch.isfinite(out).all()


@pytest.mark.parametrize("encoder", ["linear", "softmax"])
def test_target_query_conditions_the_user_state(encoder):
    model = make(encoder)
    x = example_inputs(model.cfg, B=1, L=10, C=4, pad=False)
    y = dict(x, target_query_tokens=torch.roll(x["target_query_tokens"], 1) + 1)
    with torch.no_grad():
        _, _, h1 = model(**x)
        _, _, h2 = model(**y)
    assert not torch.allclose(h1, h2, atol=1e-5)


def test_flattened_baseline_ignores_history_queries_and_target_in_state():
    model = make("flattened")
    x = example_inputs(model.cfg, B=1, L=10, C=4, pad=False)
    y = dict(x, history_query_tokens=torch.zeros_like(x["history_query_tokens"]))
    z = dict(x, target_query_tokens=torch.roll(x["target_query_tokens"], 1) + 1)
    with torch.no_grad():
        s1, _, h1 = model(**x)
        s2, _, h2 = model(**y)
        _, _, h3 = model(**z)
    assert torch.allclose(s1, s2) and torch.allclose(h1, h2)
    assert torch.allclose(h1, h3), "baseline's history weights do not depend on the target query"


@pytest.mark.parametrize("L,chunk", [(1, 32), (31, 32), (32, 32), (100, 16), (300, 32)])
def test_linear_target_step_form_equals_appended_target(L, chunk):
    """The exported linear encoder (target as one recurrence step, last layer state-only) computes
    the same user state and history weights as running every block over history + appended target."""
    model = make("linear", chunk=chunk)
    x = example_inputs(model.cfg, B=3, L=L, C=2, seed=L)
    x["history_mask"][2] = False  # a row without history
    with torch.no_grad():
        steps = torch.randn(3, L, model.cfg.dim)
        target = torch.randn(3, model.cfg.dim)
        u1, w1 = model.encode_appended(steps, target, x["history_mask"])
        u2, w2 = model.encode_target_step(steps, target, x["history_mask"])
    assert torch.allclose(u1, u2, atol=1e-5)
    assert torch.allclose(w1, w2, atol=1e-6)
    assert (w2[2] == 0).all()
