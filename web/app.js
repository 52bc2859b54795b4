// The nodecast viewer: follows the broadcast by long-polling /wait and shows each message,
// newest first, as text.
(function ($) {
  'use strict';

  var nextId = 0;      // the first id not shown yet: a new viewer starts at 0 and sees the history
  var logId = null;    // the log our ids belong to; the server answers 409 when it is gone
  var failures = 0;    // consecutive failed polls, for the back-off
  var REQUEST_TIMEOUT_MS = 75000; // longer than the longest wait the server may hold (60 s)

  function show(message) {
    var when = new Date(message.time);
    $('#empty').hide();
    $('#messages').prepend($('<li class="message">')
      .attr('data-id', message.id)
      .append($('<time>').attr('datetime', message.time).attr('title', when.toString()).text(when.toLocaleTimeString()))
      .append(' ')
      .append($('<span class="text">').text(message.text)));
  }

  function note(text) {
    $('#messages').prepend($('<li class="notice">').text(text));
  }

  function status(text, state) {
    $('#status').text(text).attr('data-state', state);
  }

  // Returns how long to wait before the next poll.
  function received(messages, textStatus, xhr) {
    logId = xhr.getResponseHeader('X-Nodecast-Log') || logId;
    $.each(messages, function (i, message) {
      if (message.id >= nextId) { // never show a message twice, whatever the network replays
        show(message);
        nextId = message.id + 1;
      }
    });
    failures = 0;
    status('Live', 'live');
    return 0;
  }

  function failed(xhr) {
    if (xhr.status === 409 && xhr.responseJSON && xhr.responseJSON.log) {
      // The log we followed is gone (restarted in-memory server, emptied Redis, ids lost in a failover). Its ids
      // mean nothing in the new log, which may hold the same messages again: start afresh rather than show any twice.
      logId = xhr.responseJSON.log;
      nextId = 0;
      $('#messages').empty();
      note('The broadcast was restarted on the server; showing it again from the start.');
      return 0;
    }
    failures += 1;
    var delay = Math.min(30000, 500 * Math.pow(2, failures - 1));
    delay = Math.round(delay * (0.5 + Math.random() / 2)); // jitter: a restarted server is not hit by every viewer at once
    status('Connection lost; reconnecting in ' + Math.ceil(delay / 1000) + ' s…', 'reconnecting');
    return delay;
  }

  // One round of the poll loop. The next round is started by a timer, so every round begins on an
  // empty call stack: the loop can run for days without the stack growing.
  function poll() {
    var query = { id: nextId };
    if (logId !== null) {
      query.log = logId;
    }
    // Relative: the page at /c/NAME/ follows channel NAME, the one at / channel "default".
    $.ajax({ url: 'wait', data: query, dataType: 'json', timeout: REQUEST_TIMEOUT_MS })
      .then(received, failed)
      .then(function (delay) { window.setTimeout(poll, delay); });
  }

  // The channel this page shows: NAME from /c/NAME/, else "default".
  function channelName() {
    var match = /^\/c\/([^\/]+)\//.exec(window.location.pathname);
    return match ? decodeURIComponent(match[1]) : 'default';
  }

  $(function () {
    var channel = channelName();
    $('#channel').text(channel === 'default' ? '' : '· ' + channel);
    document.title = channel === 'default' ? 'nodecast' : channel + ' · nodecast';
    poll();
  });
}(jQuery));
