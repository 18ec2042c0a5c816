<?xml version="1.0" encoding="UTF-8"?>
<!-- Hand-made reguleringsplan in SOSI-GML 4.5 style: the plan area (RpOmråde), its boundary
     (RpGrense) and two arealformål areas with nested nasjonalArealplanId and feltbetegnelse. -->
<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2"
    xmlns:app="http://skjema.geonorge.no/SOSI/produktspesifikasjon/Reguleringsplan/4.5"
    gml:id="rp45">
  <gml:featureMember>
    <app:RpOmråde gml:id="omr">
      <app:område><gml:Polygon gml:id="omr-g" srsName="urn:ogc:def:crs:EPSG::25832"><gml:exterior><gml:LinearRing><gml:posList>590000 6643000 590120 6643000 590120 6643050 590000 6643050 590000 6643000</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></app:område>
      <app:nasjonalArealplanId><app:NasjonalArealplanId><app:kommunenummer>3201</app:kommunenummer><app:planidentifikasjon>2024002</app:planidentifikasjon></app:NasjonalArealplanId></app:nasjonalArealplanId>
      <app:plannavn>Testplan Høvik</app:plannavn>
      <app:plantype>35</app:plantype>
      <app:planstatus>3</app:planstatus>
    </app:RpOmråde>
  </gml:featureMember>
  <gml:featureMember>
    <app:RpArealformålOmråde gml:id="a1">
      <app:område><gml:Polygon gml:id="a1-g" srsName="urn:ogc:def:crs:EPSG::25832"><gml:exterior><gml:LinearRing><gml:posList>590000 6643000 590080 6643000 590080 6643050 590000 6643050 590000 6643000</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></app:område>
      <app:nasjonalArealplanId><app:NasjonalArealplanId><app:kommunenummer>3201</app:kommunenummer><app:planidentifikasjon>2024002</app:planidentifikasjon></app:NasjonalArealplanId></app:nasjonalArealplanId>
      <app:arealformål>1112</app:arealformål>
      <app:eierform>3</app:eierform>
      <app:feltbetegnelse>BKS1</app:feltbetegnelse>
    </app:RpArealformålOmråde>
  </gml:featureMember>
  <gml:featureMember>
    <app:RpArealformålOmråde gml:id="a2">
      <app:område><gml:Polygon gml:id="a2-g" srsName="urn:ogc:def:crs:EPSG::25832"><gml:exterior><gml:LinearRing><gml:posList>590080 6643000 590120 6643000 590120 6643050 590080 6643050 590080 6643000</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></app:område>
      <app:nasjonalArealplanId><app:NasjonalArealplanId><app:kommunenummer>3201</app:kommunenummer><app:planidentifikasjon>2024002</app:planidentifikasjon></app:NasjonalArealplanId></app:nasjonalArealplanId>
      <app:arealformål>2011</app:arealformål>
      <app:eierform>1</app:eierform>
      <app:feltbetegnelse>o_SKV1</app:feltbetegnelse>
    </app:RpArealformålOmråde>
  </gml:featureMember>
  <gml:featureMember>
    <app:RpGrense gml:id="g1">
      <app:grense><gml:LineString gml:id="g1-g" srsName="urn:ogc:def:crs:EPSG::25832"><gml:posList>590000 6643000 590120 6643000 590120 6643050 590000 6643050 590000 6643000</gml:posList></gml:LineString></app:grense>
    </app:RpGrense>
  </gml:featureMember>
</gml:FeatureCollection>
