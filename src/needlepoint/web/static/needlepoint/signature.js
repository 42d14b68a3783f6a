/* Drawing a signature on a canvas. The drawing goes into a hidden field as a PNG data URL.
   The typed name is always the signature, so without this script (or without a pointer)
   the form works the same; the drawing is an optional extra. */
(function () {
  "use strict";

  function setUp(pad) {
    var canvas = pad.querySelector("canvas");
    var field = document.getElementById(pad.getAttribute("data-signature-pad"));
    var clear = pad.querySelector("[data-signature-clear]");
    var status = pad.querySelector("[data-signature-status]");
    var context = canvas.getContext("2d");
    var last = null;
    if (!field || !context) return;

    function pen() {
      context.lineWidth = 2.5;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = context.fillStyle = "#1d2433";
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: ((event.clientX - box.left) * canvas.width) / box.width,
        y: ((event.clientY - box.top) * canvas.height) / box.height,
      };
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      last = point(event);
      context.beginPath();
      context.arc(last.x, last.y, 1.2, 0, 2 * Math.PI);
      context.fill();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!last) return;
      event.preventDefault();
      var next = point(event);
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(next.x, next.y);
      context.stroke();
      last = next;
    });
    function end() {
      if (!last) return;
      last = null;
      field.value = canvas.toDataURL("image/png");
      status.textContent = "Drawing added.";
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);

    clear.addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      field.value = "";
      status.textContent = "Drawing cleared.";
    });

    pen();
    if (field.value.indexOf("data:image/png;base64,") === 0) {
      // The form came back with an error: show the drawing that was made.
      var image = new Image();
      image.onload = function () { context.drawImage(image, 0, 0); };
      image.src = field.value;
    }
    pad.hidden = false;
  }

  document.querySelectorAll("[data-signature-pad]").forEach(setUp);
})();
