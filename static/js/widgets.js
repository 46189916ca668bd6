/* Selects, with Tom Select (npm: tom-select, copied into static/vendor/ by `make assets`):
   - a SearchSelect (core/widgets.py, data-search-url) carries a few options; typing asks the server, which
     searches and scopes (the autocomplete views), and Tom Select offers what it answers;
   - a multiple select (co-organisers, an enterprise's organisations) becomes a box of chips, each with a
     button to remove it, usable by touch.
   Without this file (or JavaScript) the selects still work as plain selects. */
(function () {
  "use strict";
  if (typeof window.TomSelect !== "function") { return; }
  var texts = document.body.dataset;

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }
  var render = {
    no_results: function () { return '<div class="no-results">' + escape(texts.textNoResults || "No results") + "</div>"; },
    loading: function () { return '<div class="spinner-border spinner-border-sm m-2" role="status"><span class="visually-hidden">' + escape(texts.textLoading || "Loading") + "</span></div>"; }
  };

  function searchSelect(select) {
    var url = select.dataset.searchUrl;
    return new window.TomSelect(select, {
      valueField: "id",
      labelField: "label",
      searchField: [],
      maxOptions: 50,
      loadThrottle: 250,
      // One record is chosen: the list closes on the choice, so it never covers the buttons under it.
      closeAfterSelect: true,
      placeholder: texts.textTypeToSearch || "",
      // The server decides what matches (name or city, within the user's scope): show all it answers.
      score: function () { return function () { return 1; }; },
      shouldLoad: function (query) { return query.length > 0; },
      load: function (query, callback) {
        var self = this;
        fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            // An answer to a query the person has moved on from (a record already chosen, other text
            // typed) is dropped, and must not open the list again over the fields under it.
            if (self.inputValue() !== query) {
              callback();
              self.close();
              return;
            }
            self.clearOptions();
            callback(data.results.map(function (item) { return { id: String(item.id), label: item.label }; }));
          })
          .catch(function () { callback(); });
      },
      render: render
    });
  }

  function multiSelect(select) {
    return new window.TomSelect(select, {
      plugins: { remove_button: { title: texts.textRemove || "Remove" } },
      hidePlaceholder: true,
      render: render
    });
  }

  // Tom Select hides the original select (it is still sent with the form) and moves its label to its own
  // box: screen readers are to meet the box only.
  function started(select) { select.setAttribute("aria-hidden", "true"); }
  document.querySelectorAll("select[data-search-url]").forEach(function (s) { searchSelect(s); started(s); });
  document.querySelectorAll("select[multiple]:not([data-plain])").forEach(function (s) { multiSelect(s); started(s); });
})();
