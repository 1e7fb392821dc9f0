"""Reading scanned reports: OCR of PDF pages without a usable text layer, and of images embedded in
Word documents and web pages (docs/ocr.md).

One module per step:

* :mod:`.textlayer`: whether a PDF page needs OCR at all (cheap to import: no OpenCV, no engine);
* :mod:`.images`: a PDF page rendered (PDFium), or an embedded image decoded and scaled to about
  150 dpi;
* :mod:`.deskew`: the angle the scan is turned by, and the page set upright;
* :mod:`.grid`: ruling lines, the tables they form, each table's cells with their grid spans;
* :mod:`.cells`: each cell read (trimmed to its ink; blank, faint or printed judged against the
  paper's grey; wrapped cells through the text detector);
* :mod:`.narrative`: the running text outside the tables, in reading order;
* :mod:`.engine`: RapidOCR with gongkai's settings, one per process; :mod:`.budget`: the OCR limits;
* :mod:`.page` and :mod:`.scan`: the steps put together, within the file's limits
  (``read_pdf``, ``read_image``).

The result (:mod:`.result`) is plain data in pixels of the upright page: lines of text with their
confidence, tables as cells with grid position, box, text, confidence, doubt and the cell as scanned
(PNG). Turning it into the readers' intermediate (:mod:`gongkai.document`) is the scan reader's work.

Nothing is imported here: importing the engine (RapidOCR) takes about a second, which only a file
that needs OCR should pay.
"""
