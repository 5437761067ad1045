// The panel's and the palette's words in the page's language: the page hands over a
// dictionary (English text -> translation) made with gettext on the server.
export function translateModule(dictionary) {
  function translate(template, replacements) {
    const text = dictionary[template] || template;
    return text.replace(/{([^}]+)}/g, (_m, key) => (replacements && key in replacements ? replacements[key] : "{" + key + "}"));
  }
  return { translate: ["value", translate] };
}
