// Scan page: a USB scanner (keyboard wedge) types into the focused field and presses Enter.
// Where the browser has the BarcodeDetector API (Chrome on Android, for instance), the
// camera can read the label's QR code too; no library is loaded from anywhere.
(function () {
  "use strict";
  var form = document.querySelector("[data-scan-form]");
  if (!form) { return; }
  var field = form.querySelector("input[name=code]");
  var startButton = form.querySelector("[data-camera-start]");
  var box = document.querySelector("[data-camera]");
  var video = box.querySelector("[data-camera-video]");
  var status = box.querySelector("[data-camera-status]");
  var stopButton = box.querySelector("[data-camera-stop]");
  var stream = null;
  var timer = null;

  field.focus();
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return; // the text field is all we need
  }
  startButton.hidden = false;

  function stop() {
    if (timer) { window.clearInterval(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
    box.hidden = true;
    field.focus();
  }

  startButton.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code", "code_128", "code_39", "ean_13"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (media) {
      stream = media;
      video.srcObject = media;
      box.hidden = false;
      status.textContent = startButton.getAttribute("data-looking") || "…";
      return video.play();
    }).then(function () {
      timer = window.setInterval(function () {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            field.value = codes[0].rawValue;
            stop();
            form.submit();
          }
        }).catch(function () {});
      }, 300);
    }).catch(function (error) {
      status.textContent = String(error && error.message || error);
      stop();
    });
  });
  stopButton.addEventListener("click", stop);
})();
