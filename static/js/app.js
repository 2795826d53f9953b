// Behaviour that the Content-Security-Policy keeps out of the templates (no inline handlers).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.matches && target.matches("select.autosubmit")) {
    target.form.submit();
  }
});
document.addEventListener("click", function (event) {
  var target = event.target.closest ? event.target.closest("[data-print]") : null;
  if (target) {
    event.preventDefault();
    window.print();
  }
  var confirmTarget = event.target.closest ? event.target.closest("[data-confirm]") : null;
  if (confirmTarget && !window.confirm(confirmTarget.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
// A "select all" checkbox ticks every checkbox of the name it names (data-select-all="households").
document.addEventListener("change", function (event) {
  var target = event.target;
  var name = target.getAttribute && target.getAttribute("data-select-all");
  if (name) {
    document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
      box.checked = target.checked;
    });
  }
});
// Pickers (casework/webforms.py, PickerInput): a text field with data-picker="<search URL>" lists what the
// search finds as one types; choosing one puts its label in the field, which the form checks again on
// the server. Without this script the field still takes a code, an exact name or a file number.
(function () {
  var DELAY = 200;

  function setUp(input) {
    if (input.dataset.pickerReady) {
      return;
    }
    input.dataset.pickerReady = "1";
    var wrap = document.createElement("span");
    wrap.className = "picker-wrap";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var list = document.createElement("ul");
    list.className = "picker-list";
    list.id = (input.id || input.name) + "_options";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    wrap.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    var timer = null;
    var asked = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function choose(option) {
      input.value = option.getAttribute("data-value");
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function active() {
      return list.querySelector('[aria-selected="true"]');
    }

    function move(step) {
      var options = Array.prototype.slice.call(list.querySelectorAll('[role="option"]'));
      if (!options.length) {
        return;
      }
      var index = options.indexOf(active());
      if (index >= 0) {
        options[index].setAttribute("aria-selected", "false");
      }
      index = (index + step + options.length) % options.length;
      options[index].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }

    function show(results) {
      list.textContent = "";
      if (!results.length) {
        var none = document.createElement("li");
        none.className = "picker-empty";
        none.textContent = input.getAttribute("data-picker-empty") || "";
        list.appendChild(none);
      }
      results.forEach(function (result, index) {
        var option = document.createElement("li");
        option.id = list.id + "_" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-value", result.value);
        var main = document.createElement("span");
        main.textContent = result.path || result.value;
        option.appendChild(main);
        var detail = result.path ? result.code : result.detail;
        if (detail) {
          var small = document.createElement("small");
          small.textContent = detail;
          option.appendChild(small);
        }
        list.appendChild(option);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function search() {
      var q = input.value.trim();
      if (!q) {
        close();
        return;
      }
      var url = input.getAttribute("data-picker");
      var ask = ++asked;
      fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (ask === asked && document.activeElement === input) {
            show(data.results || []);
          }
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) {
          search();
        } else {
          move(event.key === "ArrowDown" ? 1 : -1);
        }
      } else if (event.key === "Enter" && !list.hidden && active()) {
        event.preventDefault(); // choosing, not sending the form
        choose(active());
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(close, 150);
    });
    list.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep the focus in the field
      var option = event.target.closest('[role="option"]');
      if (option) {
        choose(option);
      }
    });
  }

  function setUpAll(root) {
    (root || document).querySelectorAll("input[data-picker]").forEach(setUp);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpAll(document);
  });
  // Forms htmx puts into the page (a list's filters come back with its results) get theirs too.
  document.addEventListener("htmx:afterSwap", function (event) {
    setUpAll(event.target);
  });
})();
