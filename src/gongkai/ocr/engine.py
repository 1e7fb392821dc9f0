"""The OCR engine: RapidOCR 3.x on onnxruntime, with the PP-OCRv6 models that ship inside its wheel.

Why this engine (docs/ocr.md): on the development scan it read 199 of 200 table cells and every
number of the narrative, and its one wrong cell came with a low character confidence; Tesseract
misread more, and confidently.

How it is used here, and why:

* the models are given by their path inside the installed wheel, and checked to exist: RapidOCR
  downloads a model it cannot find, and gongkai must never fetch anything (no network in a worker,
  and it would write into site-packages). A missing model is a clear error (:class:`OcrUnavailable`);
* every flag is passed on every call: RapidOCR keeps a call's ``use_det``/``use_rec``… on the instance,
  so that after reading one cell with ``use_det=False`` the next page would silently skip detection;
* one text line per recogniser call (``rec_batch_num = 1``): a batch is padded to its widest line,
  which doubled the memory of a text page and was no faster on one core;
* the detector sees the page at 960 px on its long side: twice as fast as the default, same text;
* no angle classifier: pages are set upright first (:mod:`.deskew`), and it only tells 0° from 180°;
* threads set explicitly (``Limits.ocr_threads``, default one), for onnxruntime and for OpenCV;
* one instance per process (:func:`engine`): loading the models costs about a second, and an
  instance is not safe to share between threads. Models load at the first call (:meth:`Engine.warm_up`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import cv2
import numpy as np
import rapidocr
from rapidocr import RapidOCR

from ..errors import GongkaiError
from .ink import Gray
from .result import Box

MODEL_DIR = Path(rapidocr.__file__).resolve().parent / "models"
DETECTOR = "PP-OCRv6_det_small.onnx"
RECOGNISER = "PP-OCRv6_rec_small.onnx"


class OcrUnavailable(GongkaiError):
    """The OCR engine cannot run here: its models are missing (a broken install)."""

    code = "ocr-unavailable"


@dataclass(frozen=True, slots=True)
class Recognised:
    text: str  # as the recogniser read it, whitespace kept
    confidences: tuple[float, ...]  # one per character of ``text`` (spaces included)

    @property
    def lowest(self) -> float:
        return min(self.confidences) if self.confidences else 0.0


class Engine:
    """RapidOCR with gongkai's settings. Not safe to share between threads."""

    def __init__(self, threads: int = 1, detector_side: int = 960, model_dir: Path = MODEL_DIR) -> None:
        det, rec = model_dir / DETECTOR, model_dir / RECOGNISER
        missing = [p.name for p in (det, rec) if not p.is_file()]
        if missing:
            raise OcrUnavailable(
                f"文字识别（OCR）模型文件缺失（{'、'.join(missing)}），无法读取扫描件；请重新安装 gongkai",
                f"OCR model files missing from {model_dir}: {', '.join(missing)}; reinstall gongkai "
                "(the rapidocr wheel ships them; gongkai never downloads models)",
            )
        cv2.setNumThreads(threads)
        self.ocr = RapidOCR(params={
            "Global.log_level": "error",  # not "The text detection result is empty" on stderr
            "Global.use_cls": False,
            "Global.model_root_dir": str(model_dir),
            "Det.model_path": str(det),
            "Rec.model_path": str(rec),
            "Det.limit_type": "max",
            "Det.limit_side_len": detector_side,
            "Rec.rec_batch_num": 1,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": threads,
        })
        self.name = describe()

    def recognise(self, image: Gray) -> Recognised:
        """The text of an image holding one line of text, with each character's confidence."""
        r = self.ocr(image, use_det=False, use_cls=False, use_rec=True, return_word_box=True,
                     return_single_char_box=False, text_score=0.0)
        txts = getattr(r, "txts", None)
        if not txts:
            return Recognised("", ())
        text = str(txts[0])
        words = getattr(r, "word_results", None)
        info = words[0] if words else None
        confs = tuple(float(c) for c in getattr(info, "confs", ()) or ())
        if not text.strip():
            return Recognised("", ())
        if len(confs) != len(text):  # not per character after all: the line's mean for each
            scores = getattr(r, "scores", None) or (0.0,)
            confs = (float(scores[0]),) * len(text)
        return Recognised(text, confs)

    def detect(self, image: Gray) -> list[Box]:
        """Boxes of the lines of text in an image (axis-parallel, around each detected quadrilateral)."""
        r = self.ocr(image, use_det=True, use_cls=False, use_rec=False, return_word_box=False,
                     return_single_char_box=False, text_score=0.0)
        quads = getattr(r, "boxes", None)
        if quads is None or len(quads) == 0:
            return []
        h, w = image.shape[:2]
        out = []
        for quad in np.asarray(quads, dtype=np.float64):
            x0, y0 = max(0, int(np.floor(quad[:, 0].min()))), max(0, int(np.floor(quad[:, 1].min())))
            x1, y1 = min(w, int(np.ceil(quad[:, 0].max()))), min(h, int(np.ceil(quad[:, 1].max())))
            if x1 - x0 >= 2 and y1 - y0 >= 2:
                out.append(Box(x0, y0, x1, y1))
        return out

    def warm_up(self) -> None:
        """Load both models now (about a second) rather than at the first page."""
        blank = np.full((48, 160), 255, dtype=np.uint8)
        cv2.putText(blank, "12", (10, 36), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0,), 2)
        self.detect(blank)
        self.recognise(blank)


@lru_cache(maxsize=1)
def engine(threads: int = 1, detector_side: int = 960) -> Engine:
    """The process's engine, made at the first call (one per process: a worker reuses it from file to
    file). Asked for other settings, it is replaced."""
    return Engine(threads, detector_side)


def describe() -> str:
    """The engine and models, as the report's source information names them."""
    return (f"RapidOCR {_version('rapidocr')} (PP-OCRv6 small det/rec, onnxruntime {_version('onnxruntime')}, "
            f"OpenCV {cv2.__version__})")


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "?"
