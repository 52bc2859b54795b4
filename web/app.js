// The nodecast viewer: follows one channel over WebSocket, Server-Sent Events or long-polling (the
// best of them that the path to the server carries, or the one ?transport= names) and shows each
// message, newest first, as text, saying in the list when it missed messages, when the channel was
// cleared and when its log was replaced.
(function ($) {
  'use strict';

  var FIRST = 50;       // a new viewer starts with the newest messages, not the whole log
  var KEPT = 300;       // messages kept in the list; older ones leave it
  var HELLO_TIMEOUT_MS = 10000;   // a stream that says nothing for this long is buffered or blocked
  var REQUEST_TIMEOUT_MS = 75000; // longer than the longest wait the server may hold (60 s)
  var SILENT_PERIODS = 2;         // a stream silent for two keepalive periods after hello is dead
  var PREFERRED_AGAIN_MS = 60000;  // after falling back to long-polling, when the preferred transport is tried
  var MAX_PREFERRED_AGAIN_MS = 30 * 60000; // again: doubling each time it still cannot pass, up to this
  var TRY_AGAIN_LATER = 1013;      // the WebSocket close code of a server that is full
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
  // server is not hit by every viewer at once; never sooner than the server asked (Retry-After, busy).
  function backOff(retryAfterSeconds, busy) {
    failures += 1;
    var delay = Math.min(30000, 500 * Math.pow(2, failures - 1));
    delay = Math.round(delay * (0.5 + Math.random() / 2));
    delay = Math.max(delay, (retryAfterSeconds || 0) * 1000);
    status((busy ? 'Too many viewers right now; trying again in ' : 'Connection lost; reconnecting in ')
      + Math.ceil(delay / 1000) + ' s…', 'reconnecting');
    return delay;
  }

  // Each transport connects, feeds show() and events, and calls ended(outcome) once when the
  // connection is over: {worked: true} if the server spoke on it (a stream's hello, a poll's answer),
  // {busy: seconds} if the server is full and asked to be tried again then, {} if it came to nothing.
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
        socket.onclose = function (close) {
          if (close.code === TRY_AGAIN_LATER) {
            received('busy', {}); // the server is full, even if its busy frame was lost
          }
          closed();
        };
        return function () { socket.onclose = null; socket.close(); };
      }, ended);
    },
    sse: function (ended) {
      return stream(function (received, closed) {
        // A fresh EventSource each time, not its own reconnection: the page chooses the transport
        // of every connection, and starts each from the last message it showed.
        var source = new EventSource('events?' + $.param(startQuery()));
        source.onmessage = function (event) { received('message', JSON.parse(event.data)); };
        $.each(['hello', 'gap', 'clear', 'reset', 'keepalive', 'busy'], function (i, name) {
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
          ended({ worked: true });
        }, function (xhr) {
          if (xhr.status === 409 && xhr.responseJSON && xhr.responseJSON.log) {
            events.reset({ log: xhr.responseJSON.log });
            ended({ worked: true });
          } else if (xhr.status === 503) {
            ended({ busy: Number(xhr.getResponseHeader('Retry-After')) || 0 });
          } else {
            ended({});
          }
        });
      return function () { };
    }
  };

  // The common life of a stream: live once the server says hello, over when it closes, says it is
  // full, or stays silent: before hello for HELLO_TIMEOUT_MS (a network that holds back a stream), after
  // it for two of the keepalive periods hello announced (a connection that died without closing).
  function stream(open, ended) {
    var hello = false;
    var busy;
    var over = false;
    var close;
    var silence = window.setTimeout(finish, HELLO_TIMEOUT_MS);
    var silentFor = null;
    function finish() {
      if (!over) {
        over = true;
        window.clearTimeout(silence);
        close();
        ended(busy !== undefined ? { busy: busy } : { worked: hello });
      }
    }
    close = open(function (name, data) {
      if (over) {
        return;
      }
      if (name === 'busy') {
        busy = data.retry || 0;
        finish();
        return;
      }
      if (name === 'hello') {
        hello = true;
        silentFor = data.keepalive ? SILENT_PERIODS * data.keepalive * 1000 : null;
        events.hello(data);
        status('Live · ' + NAMES[current], 'live');
      } else if (name === 'message') {
        show(data);
      } else if (events[name]) {
        events[name](data);
      }
      if (hello) {
        window.clearTimeout(silence); // the server spoke: the connection is alive
        if (silentFor !== null) {
          silence = window.setTimeout(finish, silentFor);
        }
      }
    }, finish);
    return close;
  }

  var preferred;        // the best transport this browser has, or the one the URL names
  var forced = false;   // whether the URL names it: then it is the only one tried
  var current;          // the transport in use
  var preferredAgainMs = PREFERRED_AGAIN_MS; // after a fall back, how long long-polling goes on before the preferred is tried again
  var preferredAgainAt = 0;

  // Whether the server answers a plain request: tells a transport the path cannot carry (a proxy that
  // refuses the upgrade, a network that buffers streams) from a server that is down or restarting.
  function serverAnswers(then) {
    $.ajax({ url: 'since', data: { last: 0 }, dataType: 'json', timeout: HELLO_TIMEOUT_MS })
      .then(function () { then(true); }, function () { then(false); });
  }

  // What the next connection is, after one ended: the same transport, the next one down when this
  // one cannot pass while the server answers, or the preferred one again. Never a worse transport
  // because the server was full, restarting or slow: only because the path refused this one.
  function after(outcome) {
    if (outcome.busy !== undefined) {
      current = preferred; // the server is full: the path works, so come back on the best transport
      window.setTimeout(run, backOff(outcome.busy, true));
    } else if (outcome.worked) {
      if (current === preferred) {
        preferredAgainMs = PREFERRED_AGAIN_MS;
      } else if (current !== 'poll' || Date.now() >= preferredAgainAt) {
        current = preferred; // a later reconnect tries the best transport again
      }
      if (current === 'poll') {
        status('Live · ' + NAMES[current], 'live');
        window.setTimeout(run, 0);
      } else {
        window.setTimeout(run, backOff());
      }
    } else if (forced || TRANSPORTS.indexOf(current) === TRANSPORTS.length - 1) {
      current = preferred;
      window.setTimeout(run, backOff());
    } else {
      serverAnswers(function (answers) {
        if (answers) {
          fallBack();
          window.setTimeout(run, 0);
        } else {
          current = preferred; // down or restarting: nothing to say about the transport
          window.setTimeout(run, backOff());
        }
      });
    }
  }

  function fallBack() {
    if (current === preferred) {
      preferredAgainAt = Date.now() + preferredAgainMs;
      preferredAgainMs = Math.min(MAX_PREFERRED_AGAIN_MS, preferredAgainMs * 2);
    }
    current = TRANSPORTS[TRANSPORTS.indexOf(current) + 1];
  }

  // One connection of the current transport. The next is started by a timer, so every round begins on an
  // empty call stack: the page can run for days without the stack growing.
  function run() {
    connect[current](after);
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
    var named = new URLSearchParams(window.location.search).get('transport');
    forced = TRANSPORTS.indexOf(named) >= 0;
    preferred = forced ? named : (window.WebSocket ? 'ws' : 'sse');
    current = preferred;
    run();
  });
}(jQuery));
