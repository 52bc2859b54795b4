// The nodecast viewer: follows one channel over WebSocket, Server-Sent Events or long-polling (the
// first of them that connects, or the one ?transport= names) and shows each message, newest first,
// as text, saying in the list when it missed messages, when the channel was cleared and when its
// log was replaced.
(function ($) {
  'use strict';

  var FIRST = 50;       // a new viewer starts with the newest messages, not the whole log
  var KEPT = 300;       // messages kept in the list; older ones leave it
  var HELLO_TIMEOUT_MS = 10000;   // a stream that says nothing for this long is buffered or blocked
  var REQUEST_TIMEOUT_MS = 75000; // longer than the longest wait the server may hold (60 s)
  var TRANSPORTS = ['ws', 'sse', 'poll'];
  var NAMES = { ws: 'WebSocket', sse: 'Server-Sent Events', poll: 'long-polling' };

  var nextId = null;    // the first id not shown yet; null until the server said where the channel is
  var logId = null;     // the log our ids belong to; the server says when it is gone
  var failures = 0;     // consecutive failed connections, for the back-off

  function show(message) {
    if (nextId !== null && message.id < nextId) {
      return; // never show a message twice, whatever the network replays
    }
    var when = new Date(message.time);
    $('#empty').hide();
    $('#messages').prepend($('<li class="message">')
      .attr('data-id', message.id)
      .append($('<time>').attr('datetime', message.time).attr('title', when.toString()).text(when.toLocaleTimeString()))
      .append(' ')
      .append($('<span class="text">').text(message.text)));
    $('#messages > li').slice(KEPT).remove();
    nextId = message.id + 1;
  }

  function note(text) {
    $('#messages').prepend($('<li class="notice">').text(text));
  }

  function status(text, state) {
    $('#status').text(text).attr('data-state', state);
  }

  // What the server says, whichever transport brought it.
  var events = {
    hello: function (hello) {
      logId = hello.log;
      if (nextId === null && hello.next !== undefined) {
        nextId = hello.next; // where ?last= started us
      }
      failures = 0;
    },
    gap: function (gap) {
      var missed = gap.next - gap.from;
      note(missed === 1 ? 'One message is no longer kept and was missed.'
        : missed + ' messages are no longer kept and were missed.');
    },
    clear: function () {
      $('#messages').empty();
      $('#empty').show();
      note('The messages were cleared.');
    },
    reset: function (reset) {
      // The log we followed is gone (restarted in-memory server, emptied Redis, ids lost in a failover). Its ids
      // mean nothing in the new log, which may hold the same messages again: start afresh rather than show any twice.
      logId = reset.log;
      nextId = 0;
      $('#messages').empty();
      note('The broadcast was restarted on the server; showing it again from the start.');
    }
  };

  // Where a connection starts: after the last message shown, or with the newest FIRST.
  function startQuery() {
    var query = nextId === null ? { last: FIRST } : { id: nextId };
    if (logId !== null) {
      query.log = logId;
    }
    return query;
  }

  // How long to wait before connecting again after a failure: doubling, with jitter, so a restarted
  // server is not hit by every viewer at once; never sooner than the server asked (Retry-After).
  function backOff(retryAfterSeconds) {
    failures += 1;
    var delay = Math.min(30000, 500 * Math.pow(2, failures - 1));
    delay = Math.round(delay * (0.5 + Math.random() / 2));
    delay = Math.max(delay, (retryAfterSeconds || 0) * 1000);
    status('Connection lost; reconnecting in ' + Math.ceil(delay / 1000) + ' s…', 'reconnecting');
    return delay;
  }

  // Each transport connects, feeds show() and events, and calls ended(worked, retryAfterSeconds) once
  // when the connection is over: worked says whether the server ever answered on it.
  var connect = {
    ws: function (ended) {
      var url = new URL('ws?' + $.param(startQuery()), window.location.href);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      return stream(function (received, closed) {
        var socket = new WebSocket(url.href);
        socket.onmessage = function (frame) {
          var data = JSON.parse(frame.data);
          received(data.event || 'message', data);
        };
        socket.onclose = closed;
        return function () { socket.onclose = null; socket.close(); };
      }, ended);
    },
    sse: function (ended) {
      return stream(function (received, closed) {
        // A fresh EventSource each time, not its own reconnection: that would start again from the
        // first URL's ?last=, and could not fall back to another transport.
        var source = new EventSource('events?' + $.param(startQuery()));
        source.onmessage = function (event) { received('message', JSON.parse(event.data)); };
        $.each(['hello', 'gap', 'clear', 'reset'], function (i, name) {
          source.addEventListener(name, function (event) { received(name, JSON.parse(event.data)); });
        });
        source.onerror = closed;
        return function () { source.close(); };
      }, ended);
    },
    poll: function (ended) {
      var asked = startQuery();
      // Relative: the page at /c/NAME/ follows channel NAME, the one at / channel "default".
      $.ajax({ url: 'wait', data: asked, dataType: 'json', timeout: REQUEST_TIMEOUT_MS })
        .then(function (messages, textStatus, xhr) {
          events.hello({ log: xhr.getResponseHeader('X-Nodecast-Log') || logId });
          // Only a viewer that has seen messages can miss some: one that starts at 0 saw none.
          if (messages.length > 0 && asked.id > 0 && messages[0].id > asked.id) {
            events.gap({ from: asked.id, next: messages[0].id });
          }
          $.each(messages, function (i, message) { show(message); });
          if (nextId === null) {
            nextId = 0; // nothing kept yet: ids from the oldest kept on are all new to us
          }
          ended(true);
        }, function (xhr) {
          if (xhr.status === 409 && xhr.responseJSON && xhr.responseJSON.log) {
            events.reset({ log: xhr.responseJSON.log });
            ended(true);
          } else {
            ended(false, Number(xhr.getResponseHeader('Retry-After')));
          }
        });
      return function () { };
    }
  };

  // The common life of a stream: live once the server says hello, over when it closes or stays silent.
  function stream(open, ended) {
    var hello = false;
    var over = false;
    var close;
    var silent = window.setTimeout(function () { finish(); }, HELLO_TIMEOUT_MS);
    function finish() {
      if (!over) {
        over = true;
        window.clearTimeout(silent);
        close();
        ended(hello);
      }
    }
    close = open(function (name, data) {
      if (name === 'hello') {
        hello = true;
        window.clearTimeout(silent);
        events.hello(data);
        status('Live · ' + NAMES[current], 'live');
      } else if (name === 'message') {
        show(data);
      } else if (events[name]) {
        events[name](data);
      }
    }, finish);
    return close;
  }

  var current;          // the transport in use
  var forced;           // the transport the URL names, if any
  var everWorked = false; // whether the current transport ever connected: then a failure is the server's, not the path's

  // One connection of the current transport. The next is started by a timer, so every round begins on an
  // empty call stack: the page can run for days without the stack growing.
  function run() {
    connect[current](function (worked, retryAfterSeconds) {
      everWorked = everWorked || worked;
      var next = TRANSPORTS.indexOf(current) + 1;
      if (!forced && !everWorked && next < TRANSPORTS.length) {
        // It never connected (a proxy that refuses the upgrade, a network that buffers streams): try the next.
        current = TRANSPORTS[next];
        window.setTimeout(run, 0);
        return;
      }
      if (current === 'poll' && worked) {
        status('Live · ' + NAMES[current], 'live');
      }
      window.setTimeout(run, worked && current === 'poll' ? 0 : backOff(retryAfterSeconds));
    });
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
    forced = new URLSearchParams(window.location.search).get('transport');
    current = TRANSPORTS.indexOf(forced) >= 0 ? forced : (window.WebSocket ? 'ws' : 'sse');
    if (TRANSPORTS.indexOf(forced) < 0) {
      forced = null;
    }
    run();
  });
}(jQuery));
