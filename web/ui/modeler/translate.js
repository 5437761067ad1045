// The panel's and the palette's words in the page's language: the page hands over a
// dictionary (English text -> translation) made with gettext on the server, and the
// page's ten digits, so numbers in messages are written in the page's script.
export function localDigits(value, digits) {
  return String(value).replace(/[0-9]/g, (d) => (digits ? digits[Number(d)] : d));
}

export function translateModule(dictionary, digits) {
  function translate(template, replacements) {
    const text = dictionary[template] || template;
    return text.replace(/{([^}]+)}/g, (_m, key) =>
      replacements && key in replacements ? localDigits(replacements[key], digits) : "{" + key + "}");
  }
  return { translate: ["value", translate] };
}
