// Maps of the network directory: markers from a GeoJSON endpoint, clustered.
// Settings come from data- attributes (the Content-Security-Policy forbids
// inline scripts). Tiles may be unreachable: markers are drawn anyway, and
// the page's table lists the same items for people who cannot use the map.
(function () {
  "use strict";

  // Italy, for an empty map.
  var DEFAULT_CENTER = [41.9, 12.5];
  var DEFAULT_ZOOM = 6;

  function format(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : match;
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  // The popup is built from DOM nodes, never from HTML strings: the data
  // comes from the directory, where anyone with edit rights writes.
  function popupContent(properties, labels) {
    var box = element("div", "pua-map-popup");
    var title = element("strong");
    var home = properties.organisation_url || properties.url;
    if (home) {
      var link = element("a", null, properties.name);
      link.href = home;
      title.appendChild(link);
    } else {
      title.textContent = properties.name || "";
    }
    box.appendChild(title);
    var subtitle = properties.service_code
      ? properties.service_code + " " + (properties.service_label || "")
      : properties.kind_label;
    if (subtitle) { box.appendChild(element("span", "pua-map-popup-meta", subtitle)); }
    var place = [properties.address, properties.municipality].filter(Boolean).join(", ");
    if (place) { box.appendChild(element("span", "pua-map-popup-meta", place)); }
    var extra = [];
    if (typeof properties.distance_km === "number") {
      extra.push(format(labels.distance, { km: properties.distance_km.toLocaleString(document.documentElement.lang, { maximumFractionDigits: 1, minimumFractionDigits: 1 }) }));
    }
    if (properties.availability_label) { extra.push(properties.availability_label); }
    if (extra.length) { box.appendChild(element("span", "pua-map-popup-meta", extra.join(" · "))); }
    if (properties.url) {
      var details = element("a", "pua-map-popup-meta", labels.details);
      details.href = properties.url;
      box.appendChild(details);
    }
    return box;
  }

  // Leaflet's own link in the attribution, with its title in the page's language.
  function attributionPrefix(title) {
    var link = element("a", null, "Leaflet");
    link.href = "https://leafletjs.com";
    if (title) { link.title = title; }
    return link.outerHTML;
  }

  // The default cluster icon (same classes and size), with a name for
  // screen readers: Leaflet makes every marker a focusable button.
  function clusterIcon(cluster, label) {
    var count = cluster.getChildCount();
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    var box = element("div");
    var shown = element("span", null, String(count));
    shown.setAttribute("aria-hidden", "true");
    box.appendChild(shown);
    if (label) { box.appendChild(element("span", "visually-hidden", format(label, { count: count }))); }
    return new L.DivIcon({ html: box, className: "marker-cluster marker-cluster-" + size, iconSize: new L.Point(40, 40) });
  }

  function setup(container) {
    var data = container.dataset;
    var status = document.getElementById(container.getAttribute("aria-describedby"));
    var labels = {
      details: data.labelDetails, distance: data.labelDistance, shown: data.labelShown,
      unplaced: data.labelUnplaced, error: data.labelError
    };
    function say(text) { if (status) { status.textContent = text; } }

    // Leaflet's controls speak the page's language (their English defaults otherwise).
    var map = L.map(container, { scrollWheelZoom: false, zoomControl: false }).setView(DEFAULT_CENTER, DEFAULT_ZOOM);
    L.control.zoom({
      zoomInTitle: data.labelZoomIn || "Zoom in", zoomOutTitle: data.labelZoomOut || "Zoom out"
    }).addTo(map);
    map.attributionControl.setPrefix(attributionPrefix(data.labelLeaflet));
    map.on("popupopen", function (event) {
      var close = event.popup.getElement() && event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close && data.labelClosePopup) {
        close.setAttribute("aria-label", data.labelClosePopup);
        close.title = data.labelClosePopup;
      }
    });
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    var clusters = L.markerClusterGroup({
      showCoverageOnHover: false,
      iconCreateFunction: function (cluster) { return clusterIcon(cluster, data.labelCluster); }
    });
    map.addLayer(clusters);
    say(data.labelLoading);

    fetch(data.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (collection) {
        var features = collection.features || [];
        var placed = features.filter(function (feature) { return feature.geometry && feature.geometry.coordinates; });
        var layer = L.geoJSON({ type: "FeatureCollection", features: placed }, {
          pointToLayer: function (feature, latlng) {
            var name = (feature.properties || {}).name || "";
            return L.marker(latlng, { title: name, alt: name });
          },
          onEachFeature: function (feature, marker) {
            var props = feature.properties || {};
            marker.bindPopup(function () { return popupContent(props, labels); });
          }
        });
        clusters.addLayer(layer);
        if (placed.length) {
          // No animation: markers are final as soon as the view is set.
          map.fitBounds(clusters.getBounds(), { padding: [24, 24], maxZoom: 13, animate: false });
        }
        var message = format(labels.shown, { shown: placed.length, total: features.length });
        if (features.length > placed.length) {
          message += " " + format(labels.unplaced, { count: features.length - placed.length });
        }
        say(message);
        container.dataset.state = "ready";
      })
      .catch(function () {
        say(labels.error);
        container.dataset.state = "error";
      });
  }

  function init() {
    if (typeof L === "undefined") { return; }
    var containers = document.querySelectorAll("[data-geojson-url]");
    for (var i = 0; i < containers.length; i++) { setup(containers[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
