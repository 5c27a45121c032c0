/*
 * Starts Web Chat for one visitor. Also usable on another site (see the README's embed snippet): the
 * script tag's data-token-url, data-target and data-status say where to get a token and where to render.
 */
(function startChat() {
  'use strict';

  var script = document.currentScript;
  var tokenUrl = new URL(script.getAttribute('data-token-url') || '/api/directline/token', document.baseURI).href;
  var target = document.getElementById(script.getAttribute('data-target') || 'webchat');
  var status = document.getElementById(script.getAttribute('data-status') || 'chat-status');
  // The page's Content Security Policy admits Web Chat's generated <style> elements by this nonce.
  var nonce = script.nonce || undefined;

  var black = '#000000';
  var white = '#FFFFFF';
  var yellow = '#FFFF00';
  var grey = '#595959'; // 7:1 on white, for secondary text

  /* Amnesty's look; every colour pair here is at least 4.5:1. */
  var styleOptions = {
    accent: black,
    subtle: grey,
    backgroundColor: white,
    primaryFont: "'Helvetica Neue', Helvetica, Arial, sans-serif",

    botAvatarInitials: 'AI',
    botAvatarBackgroundColor: black,

    bubbleBackground: white,
    bubbleTextColor: black,
    bubbleBorderColor: black,
    bubbleBorderWidth: 1,
    bubbleBorderRadius: 0,
    bubbleFromUserBackground: yellow,
    bubbleFromUserTextColor: black,
    bubbleFromUserBorderColor: black,
    bubbleFromUserBorderWidth: 1,
    bubbleFromUserBorderRadius: 0,

    suggestedActionLayout: 'flow',
    suggestedActionBackgroundColor: yellow,
    suggestedActionTextColor: black,
    suggestedActionBorderColor: black,
    suggestedActionBorderRadius: 0,
    suggestedActionBackgroundColorOnHover: black,
    suggestedActionTextColorOnHover: yellow,
    suggestedActionBackgroundColorOnFocus: yellow,
    suggestedActionTextColorOnFocus: black,
    suggestedActionBackgroundColorOnActive: black,
    suggestedActionTextColorOnActive: yellow,
    suggestedActionKeyboardFocusIndicatorBorderColor: black,
    suggestedActionKeyboardFocusIndicatorBorderStyle: 'solid',
    suggestedActionKeyboardFocusIndicatorBorderWidth: 2,

    sendBoxBackground: white,
    sendBoxTextColor: black,
    sendBoxPlaceholderColor: grey,
    sendBoxButtonColor: black,
    sendBoxBorderTop: 'solid 2px ' + black,
    sendBoxButtonKeyboardFocusIndicatorBorderColor: black,

    timestampColor: grey,
    notificationText: grey,
    transcriptActivityVisualKeyboardIndicatorColor: black,
    transcriptVisualKeyboardIndicatorColor: black,

    hideUploadButton: true
  };

  function showStatus(message) {
    if (status) status.textContent = message;
  }

  fetch(tokenUrl, { cache: 'no-store', credentials: 'omit' })
    .then(function (response) {
      if (!response.ok) throw new Error('token request failed with ' + response.status);
      return response.json();
    })
    .then(function (session) {
      var local = session.mode === 'local';
      var directLine = window.WebChat.createDirectLine({
        token: session.token,
        domain: new URL(session.domain, tokenUrl).href,
        // The bot's local endpoint only polls; Azure Direct Line streams over a WebSocket.
        webSocket: !local,
        pollingInterval: local ? 500 : undefined
      });
      // No userID here: Web Chat reads the visitor's unguessable id from the token.
      window.WebChat.renderWebChat({ directLine: directLine, styleOptions: styleOptions, locale: 'en-GB', nonce: nonce }, target);
    })
    .catch(function () {
      showStatus('Sorry, the chat is not available right now. Please try again later, or read the answers on The International Movement page.');
    });
})();
