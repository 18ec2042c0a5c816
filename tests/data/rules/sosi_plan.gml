<?xml version="1.0" encoding="utf-8"?>
<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:app="https://skjema.geonorge.no/SOSI/produktspesifikasjon/Reguleringsplanforslag/5.0" gml:id="plan">
  <gml:featureMember>
    <app:RpGrense gml:id="g1">
      <app:grense>
        <gml:LineString gml:id="g1.l" srsName="urn:ogc:def:crs:EPSG::25832" srsDimension="2">
          <gml:posList>586300 6640500 586380 6640500</gml:posList>
        </gml:LineString>
      </app:grense>
      <app:grensetype>1203</app:grensetype>
    </app:RpGrense>
  </gml:featureMember>
  <gml:featureMember>
    <app:RpArealformålOmråde gml:id="o1">
      <app:område>
        <gml:Polygon gml:id="o1.p" srsName="urn:ogc:def:crs:EPSG::25832" srsDimension="2">
          <gml:exterior><gml:LinearRing><gml:posList>586300 6640500 586380 6640500 586380 6640560 586300 6640560 586300 6640500</gml:posList></gml:LinearRing></gml:exterior>
        </gml:Polygon>
      </app:område>
      <app:arealformål>1310</app:arealformål>
      <app:feltnavn>BKB1</app:feltnavn>
      <app:BRA>12000</app:BRA>
    </app:RpArealformålOmråde>
  </gml:featureMember>
  <gml:featureMember>
    <app:RpArealformålOmråde gml:id="o2">
      <app:område>
        <gml:Polygon gml:id="o2.p" srsName="urn:ogc:def:crs:EPSG::25832" srsDimension="2">
          <gml:exterior><gml:LinearRing><gml:posList>586400 6640500 586460 6640500 586460 6640560 586400 6640560 586400 6640500</gml:posList></gml:LinearRing></gml:exterior>
        </gml:Polygon>
      </app:område>
      <app:arealformål>1150</app:arealformål>
      <app:feltnavn>BF1</app:feltnavn>
      <app:BRA>3000</app:BRA>
    </app:RpArealformålOmråde>
  </gml:featureMember>
</gml:FeatureCollection>
