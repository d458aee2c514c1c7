// Gather organiser pages: progressive enhancement only. Every action works
// without this script; it keeps SMS segment counts live while a ballot
// title is typed, and marks translations as missing or written.
(function () {
  "use strict";
  // The GSM 03.38 alphabet, as in src/channels/segments.rs.
  var BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var EXTENSION = "^{}\\[~]|€\f";

  function count(text) {
    var units = 0, gsm = true;
    for (var ch of text) {
      if (BASIC.indexOf(ch) >= 0) { units += 1; }
      else if (EXTENSION.indexOf(ch) >= 0) { units += 2; }
      else { gsm = false; break; }
    }
    if (gsm) {
      return { encoding: "GSM-7", units: units, segments: units <= 160 ? 1 : Math.ceil(units / 153) };
    }
    units = text.length; // UTF-16 code units
    return { encoding: "UCS-2", units: units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
  }

  function update(input) {
    var box = document.querySelector('[data-costs-for="' + input.id + '"]');
    if (!box) { return; }
    var title = input.value.replace(/\s+/g, " ").trim();
    var alone = count(title);
    var out = box.querySelector("[data-title-cost]");
    if (out) { out.textContent = alone.units + " units, " + alone.encoding; }
    box.querySelectorAll("li[data-before]").forEach(function (li) {
      var c = count(li.getAttribute("data-before") + title + li.getAttribute("data-after"));
      li.querySelector("[data-segments]").textContent = String(c.segments);
      li.querySelector("[data-encoding]").textContent = c.encoding;
      li.classList.toggle("over", c.segments > 1);
    });
  }

  document.querySelectorAll("input[data-segments]").forEach(function (input) {
    input.addEventListener("input", function () { update(input); });
  });

  // Board responses: what the typed text alone costs by SMS, as it is typed
  // (the SMS itself is a short notice; the text is read on UPDATES).
  document.querySelectorAll("textarea[data-live-cost]").forEach(function (area) {
    var out = document.querySelector('[data-cost-of="' + area.id + '"]');
    if (!out) { return; }
    area.addEventListener("input", function () {
      var c = count(area.value.trim());
      out.textContent = c.segments + (c.segments === 1 ? " segment, " : " segments, ") + c.encoding;
    });
  });

  document.querySelectorAll("[data-translation]").forEach(function (box) {
    var area = box.querySelector("textarea");
    if (!area || area.required) { return; }
    var note = box.querySelector(".missing-note");
    area.addEventListener("input", function () {
      var missing = area.value.trim() === "";
      box.classList.toggle("missing", missing);
      if (note) { note.hidden = !missing; }
    });
  });
})();
