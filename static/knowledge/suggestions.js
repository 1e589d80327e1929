// Knowledge base enhancements; every page works without this file.
(function () {
  "use strict";
  // New-ticket form: suggest articles while the subject is typed.
  var box = document.querySelector(".kb-suggestions");
  var title = document.getElementById("id_title");
  if (box && title) {
    var list = box.querySelector("ul");
    // Right under the subject, where the person is looking (the page puts it after the fields).
    var field = title.closest(".field");
    if (field) {
      field.insertAdjacentElement("afterend", box);
    }
    var url = box.getAttribute("data-suggest-url");
    var session = box.getAttribute("data-session");
    var timer = null;
    var last = "";
    var show = function (results) {
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      results.forEach(function (item) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.href = item.url;
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = item.title; // text, never HTML
        li.appendChild(link);
        if (item.summary) {
          var summary = document.createElement("p");
          summary.className = "help";
          summary.textContent = item.summary;
          li.appendChild(summary);
        }
        list.appendChild(li);
      });
      box.hidden = results.length === 0;
    };
    var ask = function () {
      var query = title.value.trim();
      if (query === last) {
        return;
      }
      last = query;
      if (query.length < 3) {
        show([]);
        return;
      }
      var params = new URLSearchParams({ q: query, session: session });
      fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (title.value.trim() === query) {
            show(data.results || []);
          }
        })
        .catch(function () {});
    };
    title.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 250);
    });
    if (title.value.trim()) {
      ask();
    }
  }
  // Agent ticket page: "Insert in the reply" puts the link into the reply box.
  document.querySelectorAll("form.kb-insert").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var body = document.getElementById("id_body");
      if (!body) {
        return;
      }
      event.preventDefault();
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.json();
        })
        .then(function (data) {
          body.value = (body.value ? body.value.replace(/\s+$/, "") + "\n\n" : "") + data.text;
          body.focus();
        })
        .catch(function () {
          form.submit();
        });
    });
  });
})();
