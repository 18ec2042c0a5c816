<?xml version="1.0" encoding="UTF-8"?>
<!-- A tiny reguleringsplan in SOSI-GML style (Plan 5.0 application schema), hand-made. -->
<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2"
    xmlns:app="https://skjema.geonorge.no/SOSI/produktspesifikasjon/Reguleringsplanforslag/5.0"
    gml:id="plan-1">
  <gml:featureMember>
    <app:RpArealformålOmråde gml:id="f1">
      <app:område>
        <gml:Polygon gml:id="p1" srsName="urn:ogc:def:crs:EPSG::25832" srsDimension="2">
          <gml:exterior><gml:LinearRing><gml:posList>590000 6643000 590100 6643000 590100 6643080 590000 6643080 590000 6643000</gml:posList></gml:LinearRing></gml:exterior>
        </gml:Polygon>
      </app:område>
      <app:arealformål>1300</app:arealformål>
      <app:eierform>3</app:eierform>
      <app:planidentifikasjon>2024001</app:planidentifikasjon>
      <app:feltbetegnelse>BN1</app:feltbetegnelse>
    </app:RpArealformålOmråde>
  </gml:featureMember>
  <gml:featureMember>
    <app:RpArealformålOmråde gml:id="f2">
      <app:område>
        <gml:Polygon gml:id="p2" srsName="urn:ogc:def:crs:EPSG::25832" srsDimension="2">
          <gml:exterior><gml:LinearRing><gml:posList>590100 6643000 590160 6643000 590160 6643080 590100 6643080 590100 6643000</gml:posList></gml:LinearRing></gml:exterior>
        </gml:Polygon>
      </app:område>
      <app:arealformål>3040</app:arealformål>
      <app:eierform>1</app:eierform>
      <app:planidentifikasjon>2024001</app:planidentifikasjon>
      <app:feltbetegnelse>GF1</app:feltbetegnelse>
    </app:RpArealformålOmråde>
  </gml:featureMember>
</gml:FeatureCollection>
