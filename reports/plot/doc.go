// Package plot draws the plots of consim's HTML pages (the run report, and any page that
// shows latency against virtual time) as inline SVG, with gonum/plot and its vg/vgsvg
// backend.
//
// Why gonum/plot: it is pure Go (no cgo, nothing to install), it writes vector SVG that an
// HTML page can hold inline (so a page needs no network and no JavaScript charting
// library), its output is a pure function of its input (numbers printed with a fixed
// precision, no map order, no timestamps), which golden tests need, and it measures text
// with the fonts it embeds, so labels can be laid out in Go (fault labels in rows that
// never overlap) instead of in a browser. It is maintained by the Gonum project. A
// JavaScript library (the usual alternative) would have to be inlined into every page
// and would draw only in a browser; hand-written SVG would be axes, ticks and text
// metrics to own.
//
// What a page can find in the SVG it embeds (tests rely on it): Figure.HTML wraps each
// plot in <figure class="plot" id="plot-ID" data-fault-bands="N">, where N is the
// number of fault windows shaded in that plot.
package plot
