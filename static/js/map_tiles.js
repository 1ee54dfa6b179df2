// Raster tiles under the portal's SVG maps, only when the operator set MAP_TILE_URL (the maps then
// carry data-tile-url). Optional: without it, or without JavaScript, the map is the SVG the server
// drew from the outlines that ship with the portal, and no request leaves the portal's origin.
// The map is Web Mercator (EPSG:3857) over data-west..data-east, data-north..data-south, so the
// tiles of the usual {z}/{x}/{y} scheme line up with it.
(function () {
  var SVG = "http://www.w3.org/2000/svg";
  var MOST_TILES = 64;

  function mercator(longitude, latitude) {
    var sine = Math.sin(Math.max(-85, Math.min(85, latitude)) * Math.PI / 180);
    return [(longitude + 180) / 360, 0.5 - Math.log((1 + sine) / (1 - sine)) / (4 * Math.PI)];
  }

  function tile(template, z, x, y) {
    return template.replace("{z}", z).replace("{x}", x).replace("{y}", y);
  }

  function lay(root) {
    var map = root.querySelector("svg.atlas-map");
    var template = root.getAttribute("data-tile-url");
    if (!map || !template) { return; }
    var northWest = mercator(+root.getAttribute("data-west"), +root.getAttribute("data-north"));
    var southEast = mercator(+root.getAttribute("data-east"), +root.getAttribute("data-south"));
    var width = map.viewBox.baseVal.width;
    var height = map.viewBox.baseVal.height;
    var scale = width / (southEast[0] - northWest[0]); // map units per world unit
    // Tiles of 256 pixels at about the map's own scale on screen, at most MOST_TILES of them.
    var z = Math.max(0, Math.min(18, Math.ceil(Math.log2(scale * (window.devicePixelRatio || 1) / 256))));
    var first, last;
    for (; z > 0; z--) {
      first = [Math.floor(northWest[0] * Math.pow(2, z)), Math.floor(northWest[1] * Math.pow(2, z))];
      last = [Math.floor(southEast[0] * Math.pow(2, z)), Math.floor(southEast[1] * Math.pow(2, z))];
      if ((last[0] - first[0] + 1) * (last[1] - first[1] + 1) <= MOST_TILES) { break; }
    }
    if (z === 0) { first = [0, 0]; last = [0, 0]; }
    var size = scale / Math.pow(2, z);
    var layer = document.createElementNS(SVG, "g");
    layer.setAttribute("class", "atlas-tiles");
    layer.setAttribute("aria-hidden", "true");
    for (var y = first[1]; y <= last[1]; y++) {
      for (var x = first[0]; x <= last[0]; x++) {
        var image = document.createElementNS(SVG, "image");
        image.setAttribute("href", tile(template, z, x, y));
        image.setAttribute("x", ((x / Math.pow(2, z) - northWest[0]) * scale).toFixed(2));
        image.setAttribute("y", ((y / Math.pow(2, z) - northWest[1]) * scale).toFixed(2));
        image.setAttribute("width", size.toFixed(2));
        image.setAttribute("height", size.toFixed(2));
        image.setAttribute("preserveAspectRatio", "none");
        layer.appendChild(image);
      }
    }
    // Under the outlines and the communities; the land lets the tiles show through.
    var frame = map.querySelector("rect");
    map.insertBefore(layer, frame ? frame.nextSibling : map.firstChild);
    Array.prototype.forEach.call(map.querySelectorAll(".atlas-land"), function (land) {
      land.setAttribute("fill-opacity", "0.35");
    });
    var attribution = root.getAttribute("data-tile-attribution");
    if (attribution) {
      var text = document.createElementNS(SVG, "text");
      text.setAttribute("x", width - 4);
      text.setAttribute("y", height - 4);
      text.setAttribute("text-anchor", "end");
      text.setAttribute("font-size", "9");
      text.setAttribute("fill", "#1d2733");
      text.setAttribute("class", "atlas-attribution");
      text.textContent = attribution;
      map.appendChild(text);
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("svg.atlas[data-tile-url]"), lay);
})();
