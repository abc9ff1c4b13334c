#!/usr/bin/env python3
"""Reference values for shared/drs_test.ts, computed with 60-digit decimal arithmetic.

Run from the repository root:  python3 shared/testdata/gen_drs_reference.py
It rewrites shared/testdata/drs_reference.json. Inputs are float64 values and are converted to
Decimal exactly (Decimal(float) is exact), so the references are the true values of the
functions at the very inputs the TypeScript code sees, rounded once to float64 at the end.

Closed forms (independent of the code under test):
  log1mexp(a) = ln(1 - e^a)                       (a < 0)
  sigmoid(x)  = 1 / (1 + e^-x)
  F(logit, logM; eps, gamma) = d - ln(1 - e^(d - eps)) - gamma,   d = logit - logM
  p = sigmoid(F)
"""

import json
import math
import os
from decimal import Decimal, getcontext

getcontext().prec = 60
getcontext().Emin = -999999999
getcontext().Emax = 999999999


def d(x: float) -> Decimal:
    return Decimal(x)  # exact conversion of the float64 value


def expm1(a: Decimal) -> Decimal:
    """e^a - 1 without cancellation: Taylor series for small |a|."""
    if abs(a) >= Decimal("0.01"):
        return a.exp() - 1
    term, total, k = a, Decimal(0), 1
    while term != 0 and abs(term) > abs(total) * Decimal("1e-70"):
        total += term
        k += 1
        term = term * a / k
    return total


def log1mexp(a: Decimal) -> Decimal:
    assert a < 0
    return (-expm1(a)).ln()


def sigmoid(x: Decimal) -> Decimal:
    return 1 / (1 + (-x).exp())


def f_ref(logit: float, log_m: float, eps: float, gamma: float) -> Decimal:
    delta = d(logit) - d(log_m)
    return delta - log1mexp(delta - d(eps)) - d(gamma)


def to_float(x: Decimal) -> float:
    return float(x)  # correctly rounded (goes through the decimal string)


DELTAS = [0.0, -1e-12, -1e-9, -1e-6, -1e-3, -0.5, -0.69, -0.7, -1.0, -10.0, -50.0, -700.0, -1e5]
EPSILONS = [1e-6, 1e-8, 1e-3]
GAMMAS = [0.0, 13.8, -5.0, 100.0]
LOG_MS = [0.0, 2.5, -3.25]

compute_f = []
for log_m in LOG_MS:
    for delta in DELTAS:
        logit = log_m + delta  # float64 rounding happens here; the reference uses the result
        for eps in EPSILONS:
            for gamma in GAMMAS:
                f = f_ref(logit, log_m, eps, gamma)
                compute_f.append({
                    "logit": logit,
                    "logM": log_m,
                    "epsilon": eps,
                    "gamma": gamma,
                    "f": to_float(f),
                    "p": to_float(sigmoid(f)),
                })

LN2 = math.log(2)  # == Math.LN2
log1mexp_cases = []
for a in [-1e-300, -1e-20, -1e-12, -1e-9, -1e-6, -1e-3, -0.1, -0.5, -0.69,
          math.nextafter(-LN2, 0.0), -LN2, math.nextafter(-LN2, -1.0), -0.7, -1.0, -2.0,
          -10.0, -36.0, -37.0, -50.0, -700.0, -745.0, -1e5]:
    log1mexp_cases.append({"a": a, "value": to_float(log1mexp(d(a)))})

sigmoid_cases = []
for x in [0.0, 1e-300, -1e-300, 1e-10, -1e-10, 0.5, -0.5, 1.0, -1.0, 10.0, -10.0, 36.0, -36.0,
          37.0, -37.0, 40.0, -40.0, 100.0, -100.0, 700.0, -700.0, 708.0, -708.0, 745.0, -745.0]:
    sigmoid_cases.append({"x": x, "value": to_float(sigmoid(d(x)))})

# F at the argmax (logit == logM): -ln(1 - e^-eps) - gamma.
argmax = []
for eps in EPSILONS:
    for gamma in GAMMAS:
        argmax.append({"epsilon": eps, "gamma": gamma,
                       "f": to_float(-log1mexp(-d(eps)) - d(gamma))})

out = {
    "generator": "shared/testdata/gen_drs_reference.py (Python decimal, 60 digits)",
    "computeF": compute_f,
    "log1mexp": log1mexp_cases,
    "sigmoid": sigmoid_cases,
    "argmax": argmax,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "drs_reference.json")
with open(path, "w") as fh:
    json.dump(out, fh, indent=2)
    fh.write("\n")
print(f"wrote {path}: {len(compute_f)} F cases, {len(log1mexp_cases)} log1mexp, "
      f"{len(sigmoid_cases)} sigmoid, {len(argmax)} argmax")
