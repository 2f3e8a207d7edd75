// Go to a paper by id from the index of a site listed in parts: the part is the
// id's first two characters, lower case (publishing/listing.py says why).
// Progressive enhancement: without this script the form stays hidden and the
// parts are links. No framework, no network.
(function () {
  "use strict";
  var form = document.getElementById("find-paper");
  var parts = document.getElementById("parts");
  if (!form || !parts) {
    return;
  }
  var said = document.getElementById("find-said");
  var pages = {};
  Array.prototype.forEach.call(parts.querySelectorAll("a"), function (link) {
    pages[link.getAttribute("href")] = true;
  });

  function partOf(id) {
    var prefix = id.slice(0, 2).toLowerCase();
    return /^[a-z0-9][a-z0-9._-]?$/.test(prefix) ? prefix : "other";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var id = form.elements.id.value.trim();
    if (!id) {
      return;
    }
    var page = "index-" + partOf(id) + ".html";
    if (!pages[page]) {
      said.textContent = "No paper's id begins with " + id.slice(0, 2) + ".";
      return;
    }
    said.textContent = "";
    window.location.href = page + "#paper-" + encodeURIComponent(id);
  });
  form.hidden = false;
})();
