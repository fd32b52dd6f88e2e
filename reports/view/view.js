// consim's linearizability view: what porcupine's page does not know, drawn around its
// lanes after porcupine's render(data) has run. Porcupine's page is left as it is; this
// script reads what porcupine drew (its rects carry data-partition / data-index) and adds:
// lane names, a time axis in virtual seconds, fault bands and cluster marks, an overview,
// jump links, and #op=OPID. Every string from the run is set with textContent, never as HTML.
'use strict'
;(function () {
  const cv = JSON.parse(document.querySelector('#cv-data').textContent)
  const SVG_NS = 'http://www.w3.org/2000/svg'
  // porcupine's layout constants (visualization/index.js): lane i's boxes are at
  // y = PADDING + i * LANE, BOX_HEIGHT high.
  const PADDING = 10
  const BOX_HEIGHT = 30
  const LANE = 45
  const AXIS_H = 30
  const ROW_H = 20
  const COLORS = ['#e67e22', '#8e44ad', '#16a085', '#c0392b', '#2980b9', '#b7950b', '#7f8c8d', '#d35400']

  function el(parent, tag, attrs, text) {
    const e = document.createElementNS(SVG_NS, tag)
    for (const k in attrs) {
      if (Object.hasOwn(attrs, k)) {
        e.setAttribute(k, attrs[k])
      }
    }
    if (text !== undefined) {
      e.textContent = text
    }
    if (parent) {
      parent.append(e)
    }
    return e
  }

  function secs(ns, digits) {
    return (ns / 1e9).toFixed(digits)
  }

  const view = document.querySelector('#cv-view')
  const canvas = document.querySelector('#canvas')
  const svg = canvas.querySelector('svg')
  document.querySelector('#cv-lanes').append(canvas)
  document.querySelector('#cv-legend-slot').append(document.querySelector('#legend'))

  // --- What porcupine drew, and where. ---
  const nPart = data.Partitions.length
  let maxClient = data.Annotations.length > 0 ? 0 : -1
  for (const p of data.Partitions) {
    for (const e of p.History) {
      maxClient = Math.max(maxClient, e.ClientId)
    }
  }
  const nLanes = maxClient + 1
  const bg = svg.children[0]
  const divider = bg.querySelector('line.divider')
  const t0x = Number(divider.getAttribute('x1'))
  const fullWidth = Number(svg.getAttribute('width'))
  const lanesHeight = 2 * PADDING + nLanes * LANE - (LANE - BOX_HEIGHT)
  // Lane labels are replaced by names that stay on screen; porcupine's annotation rows
  // (below the lanes) only fixed the places of the windows and marks: crop them away.
  for (const t of bg.querySelectorAll('text')) {
    t.style.display = 'none'
  }
  for (const l of bg.querySelectorAll('line.divider')) {
    if (l !== divider) {
      l.style.display = 'none'
    }
  }
  divider.setAttribute('y2', lanesHeight - PADDING)
  // svg's children: the background, one layer per partition, the annotations' layer, ...
  const layers = [...svg.children].slice(1, 2 + nPart)
  layers[nPart].style.display = 'none'
  // --- Names that stay on screen at the left of the view. ---
  function names(box, items, height) {
    let w = 0
    for (const [top, text, cls] of items) {
      const d = document.createElement('div')
      d.textContent = text
      d.style.top = top + 'px'
      if (cls) {
        d.className = cls
      }
      box.append(d)
      w = Math.max(w, d.offsetWidth)
    }
    return w
  }

  const laneNames = document.querySelector('#cv-lane-names')
  const stripNames = document.querySelector('#cv-strip-names')
  const namesW = Math.ceil(Math.max(
    names(laneNames, cv.clients.slice(0, nLanes).map((c, i) => [PADDING + i * LANE + 5, c || 'lane ' + i])),
    names(stripNames, [[2, 'time', 'cv-name-group']]),
    60)) + 18
  laneNames.style.width = namesW + 'px'
  stripNames.style.width = namesW + 'px'
  laneNames.style.height = lanesHeight + 'px'

  // The left margin held porcupine's lane numbers: show the SVG from just before t = 0,
  // with room for the names on the left.
  const dx = t0x - 24 - namesW
  const width = fullWidth - dx
  svg.setAttribute('viewBox', `${dx} 0 ${width} ${lanesHeight}`)
  svg.setAttribute('width', width)
  svg.setAttribute('height', lanesHeight)
  bg.querySelector('rect').setAttribute('height', lanesHeight)

  // Map virtual time to x: porcupine warps time, so the map is read off its boxes, whose
  // calls and returns it knows, and off the anchors (windows, marks) the page gave it.
  const targets = new Map() // "partition/index" -> porcupine's mouse target rect
  const pairs = []
  const anchorTimes = [...cv.windows.map((w) => [w.start_ns, w.end_ns]), ...cv.marks.map((m) => [m.t_ns, m.t_ns])]
  const anchorX = []
  for (const r of svg.querySelectorAll('rect.target-rect')) {
    const p = Number(r.dataset.partition)
    const i = Number(r.dataset.index)
    const x = Number(r.getAttribute('x'))
    const w = Number(r.getAttribute('width'))
    if (p < nPart) {
      const e = data.Partitions[p].History[i]
      pairs.push([Number(e.OriginalStart), x], [Number(e.OriginalEnd), x + w])
      targets.set(p + '/' + i, r)
    } else {
      const [s, e] = anchorTimes[i]
      pairs.push([s, x])
      if (e > s) {
        pairs.push([e, x + w])
      }
      anchorX[i] = [x, e > s ? x + w : x]
      r.style.display = 'none'
    }
  }
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const T = []
  const X = []
  for (const [t, x] of pairs) {
    if (T.length > 0 && T.at(-1) === t) {
      continue
    }
    T.push(t)
    X.push(Math.max(x, X.length > 0 ? X.at(-1) : x))
  }

  function xOf(t) {
    if (T.length === 0) {
      return t0x
    }
    if (t <= T[0]) {
      return X[0]
    }
    if (t >= T.at(-1)) {
      return X.at(-1)
    }
    let lo = 0
    let hi = T.length - 1
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1
      if (T[mid] <= t) {
        lo = mid
      } else {
        hi = mid
      }
    }
    return X[lo] + ((X[hi] - X[lo]) * (t - T[lo])) / (T[hi] - T[lo])
  }

  function tOf(x) {
    if (T.length === 0 || x <= X[0]) {
      return T.length > 0 ? T[0] : 0
    }
    if (x >= X.at(-1)) {
      return T.at(-1)
    }
    let lo = 0
    let hi = X.length - 1
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1
      if (X[mid] <= x) {
        lo = mid
      } else {
        hi = mid
      }
    }
    return X[hi] === X[lo] ? T[lo] : T[lo] + ((T[hi] - T[lo]) * (x - X[lo])) / (X[hi] - X[lo])
  }

  // --- The strip above the lanes: time axis, fault windows, cluster marks. ---
  const strip = el(document.querySelector('#cv-strip-box'), 'svg', {id: 'cv-strip', width})
  const laneDecor = el(null, 'g', {id: 'cv-bands'})
  svg.insertBefore(laneDecor, bg.nextSibling) // under the operations, above the background
  const overlay = el(svg, 'g', {id: 'cv-overlay'}) // above everything, never in the way of the mouse

  // Rows: the first row whose last label ends before x takes it.
  function rowFor(rows, x0, x1) {
    for (const [i, end] of rows.entries()) {
      if (end + 6 <= x0) {
        rows[i] = x1
        return i
      }
    }
    rows.push(x1)
    return rows.length - 1
  }

  function textWidth(parent, s, cls) {
    const t = el(parent, 'text', {x: 0, y: -100, class: cls}, s)
    const w = t.getComputedTextLength()
    t.remove()
    return w
  }

  // Fault windows: a bar in the strip (one row per overlap, labels never overlapping) and
  // a band across the lanes.
  const colorOf = new Map()
  const faultRows = []
  const faults = cv.windows.map((w, i) => {
    if (!colorOf.has(w.name)) {
      colorOf.set(w.name, COLORS[colorOf.size % COLORS.length])
    }
    const [x0, x1raw] = anchorX[i]
    const x1 = Math.max(x1raw, x0 + 3)
    const label = `${w.name}: ${w.kind}${w.targets ? ' ' + w.targets : ''} · ${secs(w.start_ns, 3)}–${w.ongoing ? 'end' : secs(w.end_ns, 3) + ' s'}`
    const lw = textWidth(strip, label, 'cv-fault-label')
    return {w, i, x0, x1, label, lw, color: colorOf.get(w.name), row: rowFor(faultRows, x0, Math.max(x1, x0 + lw + 10))}
  })
  const markRows = []
  const marks = cv.marks.map((m, j) => {
    const x = anchorX[cv.windows.length + j][0]
    const lw = textWidth(strip, m.text, 'cv-mark-label')
    return {m, x, lw, row: rowFor(markRows, x - 4, x + 8 + lw)}
  })
  const faultTop = AXIS_H + 4
  const markTop = faultTop + faultRows.length * ROW_H + (faultRows.length > 0 ? 6 : 0)
  const stripHeight = markTop + markRows.length * ROW_H + 6
  strip.setAttribute('height', stripHeight)
  names(stripNames, [
    ...(faultRows.length > 0 ? [[faultTop + 1, 'faults', 'cv-name-group']] : []),
    ...(markRows.length > 0 ? [[markTop + 1, 'cluster', 'cv-name-group']] : []),
  ])
  stripNames.style.height = stripHeight + 'px'
  strip.setAttribute('viewBox', `${dx} 0 ${width} ${stripHeight}`)

  for (const f of faults) {
    const y = faultTop + f.row * ROW_H
    const g = el(strip, 'g', {class: 'cv-fault'})
    el(g, 'title', {}, `${f.w.name}: ${f.w.spec}\ntargets: ${f.w.targets || 'none'}\n${secs(f.w.start_ns, 3)} s to ${f.w.ongoing ? 'the end of the run (still going)' : secs(f.w.end_ns, 3) + ' s'}`)
    el(g, 'rect', {class: 'cv-fault-bar', x: f.x0, y, width: f.x1 - f.x0, height: ROW_H - 4, fill: f.color, 'fill-opacity': 0.3, stroke: f.color})
    f.text = el(g, 'text', {class: 'cv-fault-label', x: f.x0 + 5, y: y + (ROW_H - 4) / 2}, f.label)
    el(laneDecor, 'rect', {class: 'cv-band', 'data-fault': f.w.name, x: f.x0, y: PADDING / 2, width: f.x1 - f.x0, height: lanesHeight - PADDING, fill: f.color, 'fill-opacity': 0.12, stroke: f.color, 'stroke-opacity': 0.5, 'stroke-dasharray': '4 3'})
  }
  for (const k of marks) {
    const y = markTop + k.row * ROW_H + ROW_H / 2 - 2
    const g = el(strip, 'g', {class: 'cv-mark cv-mark-' + k.m.kind})
    el(g, 'title', {}, `${k.m.text} at ${secs(k.m.t_ns, 6)} s`)
    el(g, 'circle', {cx: k.x, cy: y, r: 3.5, class: 'cv-mark-' + k.m.kind})
    el(g, 'text', {class: 'cv-mark-label', x: k.x + 7, y}, k.m.text)
    if (k.m.kind !== 'up') {
      el(laneDecor, 'line', {class: 'cv-mark-line cv-mark-' + k.m.kind, x1: k.x, x2: k.x, y1: 0, y2: lanesHeight})
    }
  }

  // Time axis: ticks at round virtual times. Porcupine's warp makes one second a few
  // pixels in a quiet stretch and thousands in a busy one, so a gap that is too wide is
  // split with a finer step, and a label that would touch the previous one is left out.
  const STEPS = [10, 5, 1, 0.5, 0.1, 0.05, 0.01, 0.005, 0.001]
  const endNs = Math.max(cv.end_ns, T.length > 0 ? T.at(-1) : 0)
  const ticks = []
  function addTicks(from, to, stepIndex, depth) {
    const step = STEPS[stepIndex] * 1e9
    const first = Math.ceil(from / step - 1e-9) * step
    let previous = from
    for (let t = first; t <= to + 1; t += step) {
      const tt = Math.round(t)
      if (tt > from || from === 0) {
        ticks.push({t: tt, depth, digits: Math.max(0, Math.ceil(-Math.log10(STEPS[stepIndex]) - 1e-9))})
      }
      if (stepIndex + 1 < STEPS.length && xOf(tt) - xOf(previous) > 400) {
        addTicks(previous, tt, stepIndex + 1, depth + 1)
      }
      previous = tt
    }
    if (stepIndex + 1 < STEPS.length && xOf(to) - xOf(previous) > 400) {
      addTicks(previous, to, stepIndex + 1, depth + 1)
    }
  }
  const firstStep = STEPS.findIndex((s) => s * 1e9 <= endNs / 4)
  addTicks(0, endNs, Math.max(0, firstStep), 0)
  ticks.sort((a, b) => a.t - b.t || a.depth - b.depth)
  let lastLabelEnd = -Infinity
  for (const [i, k] of ticks.entries()) {
    if (i > 0 && ticks[i - 1].t === k.t) {
      continue
    }
    const x = xOf(k.t)
    const label = secs(k.t, k.digits) + ' s'
    const lw = label.length * 6.5
    el(strip, 'line', {class: 'cv-tick', x1: x, x2: x, y1: AXIS_H - (k.depth === 0 ? 10 : 6), y2: AXIS_H})
    if (x - lw / 2 > lastLabelEnd + 8) {
      el(strip, 'text', {class: 'cv-tick-label' + (k.depth === 0 ? ' cv-major' : ''), x, y: AXIS_H - 19, 'text-anchor': 'middle', 'data-t': k.t}, label)
      el(laneDecor, 'line', {class: 'cv-grid', x1: x, x2: x, y1: 0, y2: lanesHeight})
      lastLabelEnd = x + lw / 2
    }
  }
  el(strip, 'line', {class: 'cv-tick', x1: dx, x2: dx + width, y1: AXIS_H, y2: AXIS_H})

  // Anomalies: their operations outlined in red.
  const opRect = (id) => {
    const at = cv.ops[id]
    return at ? targets.get(at.partition + '/' + at.index) : undefined
  }
  for (const a of cv.anomalies) {
    const r = opRect(a.op_id)
    if (r) {
      el(overlay, 'rect', {class: 'cv-anomaly', 'data-op': a.op_id, x: Number(r.getAttribute('x')) - 3, y: Number(r.getAttribute('y')) - 3, width: Number(r.getAttribute('width')) + 6, height: BOX_HEIGHT + 6, rx: 5})
    }
  }

  // --- Moving around. ---
  const contentX = (x) => x - dx // x in porcupine's coordinates -> x in the view's content

  function scrollToX(x) {
    view.scrollLeft = Math.max(0, contentX(x) - (view.clientWidth + namesW) / 2)
    moved() // now, not at the next frame's scroll event
  }

  function notice(text) {
    const n = document.querySelector('#cv-notice')
    n.textContent = text
    n.hidden = text === ''
  }

  // focusOp scrolls to the operation, marks it, and selects it in porcupine (a click on
  // its box shows its linearization and its tooltip).
  function focusOp(id) {
    for (const old of overlay.querySelectorAll('.cv-focus, .cv-focus-label')) {
      old.remove()
    }
    const r = opRect(id)
    if (!r) {
      document.body.dataset.focusedOp = ''
      notice(cv.ops[id] === undefined
        ? `Operation ${id} is not in this view: it is not an operation of this run, or not one the ${cv.mode} check looks at (another mode's read, a read that failed, a write that surely did nothing).`
        : `Operation ${id} is not drawn.`)
      return false
    }
    notice('')
    const x = Number(r.getAttribute('x'))
    const y = Number(r.getAttribute('y'))
    const w = Number(r.getAttribute('width'))
    el(overlay, 'rect', {class: 'cv-focus', 'data-op': id, x: x - 5, y: y - 5, width: w + 10, height: BOX_HEIGHT + 10, rx: 6})
    el(overlay, 'text', {class: 'cv-focus-label', x: x + w + 9, y: y - 2}, id)
    scrollToX(x + w / 2)
    const box = view.getBoundingClientRect()
    if (box.top < 0 || box.bottom > window.innerHeight) {
      view.scrollIntoView({block: 'nearest'})
    }
    const at = cv.ops[id]
    const historyRect = layers[at.partition].children[at.index].querySelector('rect')
    if (!historyRect.classList.contains('selected')) {
      // As a reader's mouse would: over (highlight), move (fill the tooltip), click (select).
      const b = r.getBoundingClientRect()
      const at = {bubbles: true, clientX: b.left + b.width / 2, clientY: b.top + b.height / 2}
      for (const type of ['mouseover', 'mousemove', 'click']) {
        r.dispatchEvent(new MouseEvent(type, at))
      }
    }
    document.body.dataset.focusedOp = id
    return true
  }

  function opFromHash() {
    return new URLSearchParams(location.hash.slice(1)).get('op')
  }

  window.addEventListener('hashchange', () => {
    const id = opFromHash()
    if (id !== null) {
      focusOp(id)
    }
  })
  // A link to the operation already in the URL changes nothing: focus it all the same.
  for (const a of document.querySelectorAll('a.cv-op-link')) {
    a.addEventListener('click', () => {
      const id = new URLSearchParams(a.getAttribute('href').slice(1)).get('op')
      if (id !== null && id === opFromHash()) {
        focusOp(id)
      }
    })
  }

  // Jump to the first error: the earliest explained anomaly, else porcupine's first
  // invalid linearization point.
  const jump = document.querySelector('#cv-jump')
  const first = [...cv.anomalies].filter((a) => opRect(a.op_id)).sort((a, b) => a.call_ns - b.call_ns)[0]
  const porcupineJump = document.querySelector('#jump-link')
  if (first) {
    jump.addEventListener('click', () => {
      location.hash = 'op=' + encodeURIComponent(first.op_id)
      focusOp(first.op_id)
    })
  } else if (porcupineJump && !porcupineJump.classList.contains('inactive')) {
    jump.addEventListener('click', () => porcupineJump.dispatchEvent(new MouseEvent('click')))
  } else {
    jump.disabled = true
    jump.textContent = 'no error to jump to'
  }

  const gotoInput = document.querySelector('#cv-goto')
  gotoInput.max = (endNs / 1e9).toFixed(3)
  gotoInput.addEventListener('change', () => {
    const s = Number(gotoInput.value)
    if (Number.isFinite(s)) {
      scrollToX(xOf(s * 1e9))
    }
  })

  // Fault labels follow the view inside their bar, so a long window stays named.
  function stickLabels() {
    const left = view.scrollLeft + dx + namesW + 4
    for (const f of faults) {
      const x = Math.min(Math.max(f.x0 + 5, left), Math.max(f.x0 + 5, f.x1 - f.lw - 5))
      f.text.setAttribute('x', x)
    }
  }

  // --- The overview: the whole run at a linear scale; click or drag to go there. ---
  const ov = document.querySelector('#cv-overview')
  const ovWidth = ov.getBoundingClientRect().width || 1000
  const OV_L = 8
  const OV_R = 8
  const ovX = (t) => OV_L + ((ovWidth - OV_L - OV_R) * t) / Math.max(endNs, 1)
  const ovT = (x) => ((x - OV_L) / (ovWidth - OV_L - OV_R)) * endNs
  ov.setAttribute('viewBox', `0 0 ${ovWidth} 46`)
  for (const f of faults) {
    el(ov, 'rect', {x: ovX(f.w.start_ns), y: 4 + (f.row % 3) * 6, width: Math.max(2, ovX(f.w.end_ns) - ovX(f.w.start_ns)), height: 5, fill: f.color, 'fill-opacity': 0.7})
  }
  el(ov, 'line', {class: 'cv-ov-axis', x1: OV_L, x2: ovWidth - OV_R, y1: 26, y2: 26})
  const ovStep = STEPS.find((s) => (ovX(s * 1e9) - ovX(0)) >= 60) || 10
  for (let t = 0; t <= endNs + 1; t += ovStep * 1e9) {
    el(ov, 'line', {class: 'cv-ov-axis', x1: ovX(t), x2: ovX(t), y1: 23, y2: 29})
    const anchor = ovX(t) < 20 ? 'start' : ovX(t) > ovWidth - 20 ? 'end' : 'middle'
    el(ov, 'text', {x: ovX(t), y: 42, 'text-anchor': anchor}, secs(t, ovStep < 1 ? 1 : 0) + ' s')
  }
  for (const k of marks) {
    if (k.m.kind === 'leader') {
      el(ov, 'line', {x1: ovX(k.m.t_ns), x2: ovX(k.m.t_ns), y1: 20, y2: 32, class: 'cv-mark-leader', 'stroke-width': 1.5})
    }
  }
  for (const a of cv.anomalies) {
    const x = ovX(a.call_ns)
    const p = el(ov, 'path', {d: `M${x - 4},17 L${x + 4},17 L${x},24 Z`, fill: '#e74c3c', class: 'cv-ov-anomaly'})
    el(p, 'title', {}, `${a.op_id} at ${secs(a.call_ns, 3)} s`)
  }
  const ovView = el(ov, 'rect', {class: 'cv-ov-view', y: 2, height: 30, x: 0, width: 0})

  function updateOverview() {
    const left = tOf(view.scrollLeft + dx + namesW)
    const right = tOf(view.scrollLeft + dx + view.clientWidth)
    ovView.setAttribute('x', ovX(left))
    ovView.setAttribute('width', Math.max(2, ovX(right) - ovX(left)))
  }

  let dragging = false
  function ovGo(event_) {
    const b = ov.getBoundingClientRect()
    scrollToX(xOf(ovT(((event_.clientX - b.left) * ovWidth) / b.width)))
  }
  ov.addEventListener('mousedown', (event_) => {
    dragging = true
    ovGo(event_)
  })
  window.addEventListener('mousemove', (event_) => {
    if (dragging) {
      ovGo(event_)
    }
  })
  window.addEventListener('mouseup', () => {
    dragging = false
  })

  function moved() {
    stickLabels()
    updateOverview()
  }
  view.addEventListener('scroll', moved)
  moved()

  const id = opFromHash()
  if (id !== null) {
    focusOp(id)
  }
  document.body.dataset.cvReady = 'true'
})()
