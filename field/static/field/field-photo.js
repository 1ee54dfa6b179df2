/* Zlagoda field app, photos: loaded by field.js only once a photo is chosen (the service worker
   keeps it for offline use). Each photo is drawn on a canvas and encoded as JPEG, at a lower
   quality (then a smaller side) until it fits the limits (data-limits: how many photos, bytes,
   pixels a side): a canvas carries no EXIF, so neither the place (GPS) nor the camera leaves the
   phone. The photos made wait on the form (form.fieldPhotos) and go with its fields, into the
   outbox too (IndexedDB keeps Blobs), until the form is sent. Messages come from the box's
   data attributes, translated. */
(function () {
  "use strict";
  var QUALITIES = [0.85, 0.75, 0.65, 0.55, 0.45];
  var SMALLEST_SIDE = 480;

  function box(form) { return form.querySelector("[data-photos]"); }
  function say(form, text) {
    var node = box(form).querySelector("[data-photo-message]");
    if (!node) {
      node = document.createElement("p");
      node.className = "error";
      node.setAttribute("data-photo-message", "");
      node.setAttribute("role", "alert");
      box(form).appendChild(node);
    }
    node.textContent = text;
    node.hidden = !text;
  }

  function viaImage(file) {
    return dataUrl(file).then(function (url) {
      return new Promise(function (resolve, reject) {
        var image = new Image();
        image.onload = function () { resolve(image); };
        image.onerror = reject;
        image.src = url;
      });
    });
  }
  function decode(file) {
    if (!window.createImageBitmap) return viaImage(file);
    return createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () { return viaImage(file); });
  }
  function dataUrl(blob) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsDataURL(blob);
    });
  }
  function encode(canvas, quality) {
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", quality); });
  }
  // The largest JPEG within maxBytes: lower qualities first, then smaller sides; null if none fits.
  function shrink(image, side, maxBytes) {
    var width = image.naturalWidth || image.width, height = image.naturalHeight || image.height;
    var scale = Math.min(1, side / Math.max(width, height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    var context = canvas.getContext("2d");
    context.fillStyle = "#fff";  // a transparent picture on white, as JPEG has no transparency
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    function attempt(n) {
      return encode(canvas, QUALITIES[n]).then(function (blob) {
        if (blob && blob.size <= maxBytes) return blob;
        if (n + 1 < QUALITIES.length) return attempt(n + 1);
        return side * 0.75 >= SMALLEST_SIDE ? shrink(image, Math.round(side * 0.75), maxBytes) : null;
      });
    }
    return attempt(0);
  }

  function render(form) {
    var list = box(form).querySelector("[data-photo-list]");
    var T = box(form).dataset;
    list.textContent = "";
    (form.fieldPhotos || []).forEach(function (photo, n) {
      var item = document.createElement("li");
      var image = document.createElement("img");
      image.alt = T.photo.replace("%(number)s", n + 1);
      dataUrl(photo.blob).then(function (url) { image.src = url; });
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "secondary";
      remove.textContent = T.remove;
      remove.setAttribute("aria-label", T.remove + ": " + image.alt);
      remove.addEventListener("click", function () {
        form.fieldPhotos.splice(form.fieldPhotos.indexOf(photo), 1);
        say(form, "");
        render(form);
      });
      item.appendChild(image);
      item.appendChild(remove);
      list.appendChild(item);
    });
  }

  function chosen(input) {
    var form = input.form, T = box(form).dataset, limits = T.limits.split(" ").map(Number);
    var files = Array.prototype.slice.call(input.files || []);
    input.value = "";  // the originals are never sent; choosing the same one again works
    form.fieldPhotos = form.fieldPhotos || [];
    say(form, "");
    var room = limits[0] - form.fieldPhotos.length;
    if (files.length > room) {
      say(form, T.tooMany);
      files = files.slice(0, Math.max(room, 0));
    }
    return files.reduce(function (done, file) {
      return done.then(function () {
        return decode(file).then(function (image) {
          return shrink(image, limits[2], limits[1]);
        }).then(function (blob) {
          if (!blob) return say(form, T.tooBig);
          form.fieldPhotos.push({ name: input.name, blob: blob, filename: "photo-" + (form.fieldPhotos.length + 1) + ".jpg" });
          render(form);
        }, function () { say(form, T.notImage); });
      });
    }, Promise.resolve());
  }

  // The form was sent or kept in the outbox (field.js resets it): its photos went with it.
  document.addEventListener("reset", function (event) {
    var form = event.target;
    if (!form.fieldPhotos || !box(form)) return;
    form.fieldPhotos = [];
    say(form, "");
    render(form);
  });

  window.ZlagodaPhotos = { chosen: chosen, render: render };
})();
