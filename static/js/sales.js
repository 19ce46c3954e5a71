// The pipeline board's drag and drop (HTML5). Dropping a card on another stage's column
// sets the card's stage menu, whose form posts the move through htmx with the version the
// card showed; the server answers with the whole board (new column totals), or a 409 board
// naming who changed the card first (unless that was the mover).
(function () {
  "use strict";
  var dragged = null;

  function columnAt(target) {
    return target && target.closest ? target.closest(".board-column") : null;
  }

  function clearDropTargets() {
    document.querySelectorAll(".board-column.drop-target").forEach(function (column) {
      column.classList.remove("drop-target");
    });
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest ? event.target.closest("[data-card]") : null;
    if (!card) {
      return;
    }
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
    card.classList.add("dragging");
  });

  document.addEventListener("dragend", function () {
    if (dragged) {
      dragged.classList.remove("dragging");
    }
    dragged = null;
    clearDropTargets();
  });

  document.addEventListener("dragover", function (event) {
    var column = columnAt(event.target);
    if (!column || !dragged) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!column.classList.contains("drop-target")) {
      clearDropTargets();
      column.classList.add("drop-target");
    }
  });

  document.addEventListener("drop", function (event) {
    var column = columnAt(event.target);
    // The board may have been redrawn during the drag (the answer to an earlier move): move the card as drawn now.
    var card = dragged && !dragged.isConnected ? document.getElementById(dragged.id) : dragged;
    if (!column || !card) {
      return;
    }
    event.preventDefault();
    clearDropTargets();
    if (card.dataset.stage === column.dataset.stage) {
      return;
    }
    column.querySelector(".cards").prepend(card); // shown at once; the answer redraws the board
    // The drop moves the card as its stage menu does: through the card's own form, so that a drop
    // made while another move is in flight waits for it and then carries the version it left.
    var menu = card.querySelector("select[name=stage]");
    menu.value = column.dataset.stage;
    menu.dispatchEvent(new Event("change", { bubbles: true }));
  });

  function boardQuery() {
    var board = document.getElementById("board");
    return board && board.dataset.query ? "?" + board.dataset.query : "";
  }

  // A card that is gone (deleted, or reassigned out of sight) answers 404: redraw the board as it is now.
  document.addEventListener("htmx:responseError", function (event) {
    var board = document.getElementById("board");
    if (board && event.detail.xhr.status === 404 && event.detail.pathInfo.requestPath.indexOf("/stage/") !== -1) {
      window.htmx.ajax("GET", board.dataset.boardUrl + boardQuery(), { target: "#board", swap: "outerHTML" });
    }
  });
})();

// The opportunity form offers "Lost reason" only while the stage is "lost": a field marked
// data-shown-when-stage="lost" is shown (and posted) then, hidden and disabled otherwise.
// The server renders the same state, and refuses a lost reason on any other stage.
(function () {
  "use strict";

  function toggleStageFields(form) {
    var stage = form.querySelector("select[name=stage]");
    if (!stage) {
      return;
    }
    form.querySelectorAll("[data-shown-when-stage]").forEach(function (wrapper) {
      var shown = wrapper.dataset.shownWhenStage === stage.value;
      wrapper.hidden = !shown;
      wrapper.querySelectorAll("input, textarea, select").forEach(function (input) {
        input.disabled = !shown;
      });
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[name=stage]") && event.target.form) {
      toggleStageFields(event.target.form);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector("[data-shown-when-stage]")) {
        toggleStageFields(form);
      }
    });
  });
})();
