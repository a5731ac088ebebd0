"""Tracking: recording an item's UPU EMSEVT events (one at a time or in bulk from scanners),
its status derived from them, the delivery rollup kept as items are delivered, and public
tracking by S10 id (``/tracking/``, ``/api/tracking/``)."""
