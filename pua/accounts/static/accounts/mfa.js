// After a security key is registered, go back to the list of second factors.
document.addEventListener("otp_webauthn.register_complete", function (event) {
  var button = document.getElementById("passkey-register-button");
  var target = button && button.getAttribute("data-done-url");
  if (target) {
    window.setTimeout(function () { window.location.assign(target); }, 800);
  }
});
