/* Capturing a photo with the device's camera. The baseline photo of the chosen pose is laid
   over the live picture as a semi-transparent ghost, to line the face up the same way. A
   captured frame is sent to the API like any upload and goes through the same checks; a
   refusal shows the quality check's plain instructions. */
(function () {
  "use strict";

  var root = document.querySelector("[data-capture]");
  if (!root) return;
  var video = root.querySelector("[data-capture-video]");
  var ghost = root.querySelector("[data-capture-ghost]");
  var ghostNote = root.querySelector("[data-capture-ghost-note]");
  var pose = document.getElementById("capture-pose");
  var opacity = document.getElementById("ghost-opacity");
  var camera = document.getElementById("capture-camera");
  var keep = root.querySelector("[data-capture-keep]");
  var shoot = root.querySelector("[data-capture-shoot]");
  var status = root.querySelector("[data-capture-status]");
  var result = root.querySelector("[data-capture-result]");
  var stream = null;

  function say(text) {
    status.textContent = text;
  }

  function showGhost() {
    var option = pose.options[pose.selectedIndex];
    var url = option.getAttribute("data-ghost");
    if (url) {
      ghost.src = url;
      ghost.alt =
        "Ghost of the baseline photo (" + option.text + ", " + option.getAttribute("data-ghost-date") + ")";
      ghost.hidden = false;
      ghostNote.textContent =
        "Line the face up with the ghost of the baseline photo." +
        (option.hasAttribute("data-ghost-sample") ? " The baseline is sample data." : "");
    } else {
      ghost.hidden = true;
      ghost.removeAttribute("src");
      ghost.alt = "";
      ghostNote.textContent = "No baseline photo of this pose yet: this photo will be the baseline.";
    }
  }

  function setOpacity() {
    ghost.style.opacity = String(Number(opacity.value) / 100);
  }

  function start() {
    if (stream) {
      stream.getTracks().forEach(function (track) {
        track.stop();
      });
      stream = null;
    }
    shoot.disabled = true;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say("This browser cannot use the camera on this page: upload a photo instead.");
      return;
    }
    navigator.mediaDevices
      .getUserMedia({
        video: { facingMode: camera.value, width: { ideal: 1920 }, height: { ideal: 1440 } },
        audio: false,
      })
      .then(function (opened) {
        stream = opened;
        video.srcObject = opened;
        return video.play();
      })
      .then(function () {
        shoot.disabled = false;
        say("Camera ready.");
      })
      .catch(function (error) {
        say(
          "The camera could not be started (" + (error && error.name) + "): allow the camera, " +
            "or upload a photo instead."
        );
      });
  }

  function show(ok, heading, lines, link) {
    result.textContent = "";
    result.setAttribute("role", ok ? "status" : "alert");
    var title = document.createElement("p");
    title.className = ok ? "" : "error";
    title.textContent = heading;
    result.appendChild(title);
    if (lines.length) {
      var list = document.createElement("ul");
      lines.forEach(function (line) {
        var item = document.createElement("li");
        item.textContent = line;
        list.appendChild(item);
      });
      result.appendChild(list);
    }
    if (link) {
      var anchor = document.createElement("a");
      anchor.href = root.getAttribute("data-session-url");
      anchor.textContent = "See it with the session's photos";
      result.appendChild(anchor);
    }
  }

  function answered(response, body) {
    if (response.ok) {
      var passed = body.quality_passed ? "it passed the quality check" : "kept although it failed the quality check";
      show(true, "Photo saved (" + (body.pose || "pose unknown").replace(/_/g, " ") + "); " + passed + ".", [], true);
      say("Saved. Capture another, or go back to the session.");
      return;
    }
    var errors = (body && body.errors) || [];
    var instructions = errors
      .filter(function (e) {
        return e.code === "instruction";
      })
      .map(function (e) {
        return e.message.charAt(0).toUpperCase() + e.message.slice(1);
      });
    show(false, (body && body.detail) || "The photo was not saved.", instructions, false);
    say(instructions.length ? "Not saved: see what to do below, then capture again." : "Not saved.");
  }

  function capture() {
    var width = video.videoWidth;
    var height = video.videoHeight;
    if (!width || !height) return;
    var canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    canvas.getContext("2d").drawImage(video, 0, 0, width, height);
    shoot.disabled = true;
    result.textContent = "";
    say("Checking the photo…");
    canvas.toBlob(
      function (blob) {
        var form = new FormData();
        form.append("photo", blob, "camera.jpg");
        form.append("pose", pose.value);
        form.append("keep_anyway", keep.checked ? "true" : "false");
        form.append("source", "camera");
        fetch(root.getAttribute("data-upload-url"), {
          method: "POST",
          body: form,
          credentials: "same-origin",
          headers: { "X-CSRFToken": root.getAttribute("data-csrf-token"), Accept: "application/json" },
        })
          .then(function (response) {
            return response.json().then(function (body) {
              answered(response, body);
            });
          })
          .catch(function () {
            say("The photo could not be sent: check the connection and capture again.");
          })
          .then(function () {
            shoot.disabled = false;
          });
      },
      "image/jpeg",
      0.95
    );
  }

  pose.addEventListener("change", showGhost);
  opacity.addEventListener("input", setOpacity);
  camera.addEventListener("change", start);
  shoot.addEventListener("click", capture);
  showGhost();
  setOpacity();
  start();
})();
