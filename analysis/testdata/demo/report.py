def summary(total, currency="EUR"):
    return f"total: {total / 100:.2f} {currency}"
