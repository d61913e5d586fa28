// The organisation of a consent matters only for sharing: show it then, and
// clear it otherwise so that a hidden choice is never sent. Without
// JavaScript the field stays visible and the server explains.
document.addEventListener("DOMContentLoaded", function () {
  var organisation = document.getElementById("id_organisation");
  var radios = document.querySelectorAll("input[name=purpose]");
  if (!organisation || !radios.length) {
    return;
  }
  var group = organisation.closest(".form-group");
  function sync() {
    var chosen = document.querySelector("input[name=purpose]:checked");
    var sharing = chosen !== null && chosen.value === "sharing";
    group.hidden = !sharing;
    if (!sharing) {
      organisation.value = "";
    }
  }
  radios.forEach(function (radio) { radio.addEventListener("change", sync); });
  sync();
});
