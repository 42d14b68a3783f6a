/* The compare page's overlay and slider: a range input sets the follow-up's opacity, the
   other where the follow-up is cut off (clip-path) over the baseline. Without this script
   both show the halfway view. */
(function () {
  "use strict";

  function control(selector, apply) {
    document.querySelectorAll(selector).forEach(function (input) {
      var target = document.getElementById(input.getAttribute("aria-controls"));
      if (!target) return;
      function update() {
        apply(target, Number(input.value));
      }
      input.addEventListener("input", update);
      input.addEventListener("change", update);
      update();
    });
  }

  control("[data-overlay-control]", function (top, value) {
    top.style.opacity = String(value / 100);
  });
  control("[data-slider-control]", function (top, value) {
    top.style.clipPath = "inset(0 0 0 " + value + "%)";
    var divider = top.parentElement.querySelector("[data-slider-divider]");
    if (divider) divider.style.left = value + "%";
  });
})();
