"""QR codes as one small SVG path, from reportlab's encoder (already a dependency, BSD)."""

from reportlab.graphics.barcode import qrencoder

QUIET = 4  # modules of white margin that readers need around the code (ISO/IEC 18004)


def qr_svg(text: str, *, size_px: int = 240) -> str:
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    n = code.getModuleCount()
    cells = "".join(f"M{c + QUIET},{r + QUIET}h1v1h-1z" for r in range(n) for c in range(n) if code.isDark(r, c))
    side = n + 2 * QUIET
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" width="{size_px}" '
            f'height="{size_px}" shape-rendering="crispEdges" role="img"><rect width="{side}" height="{side}" '
            f'fill="#fff"/><path d="{cells}" fill="#000"/></svg>')
