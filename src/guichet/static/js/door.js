// The door's camera scanner: where the browser has the BarcodeDetector API (Chrome on Android, for one),
// the button shows, reads a ticket's QR code and opens what it encodes through the page's own code field.
(function () {
  var button = document.getElementById("scan");
  if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({formats: ["qr_code"]});
    var box = document.getElementById("scanner"), video = document.getElementById("scanner-video");
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (stream) {
      box.hidden = false;
      video.srcObject = stream;
      video.play();
      var look = function () {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stream.getTracks().forEach(function (t) { t.stop(); });
            window.location = button.dataset.door + "?code=" + encodeURIComponent(codes[0].rawValue);
          } else {
            window.requestAnimationFrame(look);
          }
        }).catch(function () { window.requestAnimationFrame(look); });
      };
      look();
    });
  });
})();
