"""Recompute six derived constants from the seven SI defining constants.

Reads artifacts/si-defining-constants.csv (the values fixed by the 2019
revision of the SI) and prints a table to standard output. Rational results
are computed exactly with fractions: a value whose decimal expansion ends is
printed in full and marked exact; any other is printed to 12 significant
digits. The Stefan-Boltzmann constant involves pi, computed to 60 digits with
Machin's formula. Standard library only; no clock, no randomness.
"""

import csv
from decimal import Decimal, getcontext
from fractions import Fraction

getcontext().prec = 60
DIGITS = 12


def read_constants(path):
    with open(path, newline="", encoding="utf-8") as stream:
        return {row["symbol"]: Fraction(row["value"]) for row in csv.DictReader(stream)}


def terminates(value):
    """Whether ``value`` has a finite decimal expansion (denominator 2^a 5^b)."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    return denominator == 1


def exact_text(value):
    """The finite decimal expansion of ``value``, in full."""
    digits = 0
    while (value * 10**digits).denominator != 1:
        digits += 1
    scaled = value.numerator * 10**digits // value.denominator
    text = str(scaled).rjust(digits + 1, "0")
    whole, fraction = text[: len(text) - digits], text[len(text) - digits :]
    return f"{whole}.{fraction}".rstrip("0").rstrip(".") if digits else whole


def decimal(value):
    """``value`` as a Decimal, to the context's 60 digits."""
    return Decimal(value.numerator) / Decimal(value.denominator)


def rounded_text(value):
    """``value`` (a Decimal) to DIGITS significant digits, in scientific notation."""
    return f"{value:.{DIGITS - 1}e}"


def arctan_inverse(n):
    """arctan(1/n) by its Taylor series, in the decimal context."""
    x = Decimal(1) / n
    term, total, k, sign = x, x, 1, 1
    while True:
        term *= x * x
        k += 2
        sign = -sign
        step = term / k
        if step == 0 or abs(step) < Decimal(10) ** -(getcontext().prec + 2):
            return total
        total += sign * step


def pi():
    """Machin's formula: pi = 16 arctan(1/5) - 4 arctan(1/239)."""
    return 16 * arctan_inverse(5) - 4 * arctan_inverse(239)


def main():
    k = read_constants("artifacts/si-defining-constants.csv")
    rational = [
        ("R", "molar gas constant", "N_A*k", k["N_A"] * k["k"], "J mol^-1 K^-1"),
        ("F", "Faraday constant", "N_A*e", k["N_A"] * k["e"], "C mol^-1"),
        ("K_J", "Josephson constant", "2*e/h", 2 * k["e"] / k["h"], "Hz V^-1"),
        ("R_K", "von Klitzing constant", "h/e^2", k["h"] / k["e"] ** 2, "ohm"),
        ("Phi_0", "magnetic flux quantum", "h/(2*e)", k["h"] / (2 * k["e"]), "Wb"),
    ]
    print("Derived constants recomputed from the SI defining constants")
    print("(input: artifacts/si-defining-constants.csv)")
    print()
    print(f"{'symbol':<7} {'value':<22} {'unit':<14} {'formula':<28} expansion")
    for symbol, _, formula, value, unit in rational:
        if terminates(value):
            text, expansion = exact_text(value), "finite: exact"
        else:
            text, expansion = rounded_text(decimal(value)), f"infinite: {DIGITS} significant digits"
        print(f"{symbol:<7} {text:<22} {unit:<14} {formula:<28} {expansion}")
    h, c, boltzmann = (decimal(k[symbol]) for symbol in ("h", "c", "k"))
    sigma = 2 * pi() ** 5 * boltzmann**4 / (15 * h**3 * c**2)
    formula = "2*pi^5*k^4/(15*h^3*c^2)"
    expansion = f"involves pi: {DIGITS} significant digits"
    print(f"{'sigma':<7} {rounded_text(sigma):<22} {'W m^-2 K^-4':<14} {formula:<28} {expansion}")


if __name__ == "__main__":
    main()
