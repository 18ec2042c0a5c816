<?xml version="1.0" encoding="utf-8" ?>
<ogr:FeatureCollection
     gml:id="aFeatureCollection"
     xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
     xsi:schemaLocation="http://ogr.maptools.org/ plan_ok.xsd"
     xmlns:ogr="http://ogr.maptools.org/"
     xmlns:gml="http://www.opengis.net/gml/3.2">
  <gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::25832"><gml:lowerCorner>586300 6640500</gml:lowerCorner><gml:upperCorner>586460 6640680</gml:upperCorner></gml:Envelope></gml:boundedBy>
                                                                                                                                                       
  <ogr:featureMember>
    <ogr:plan_ok gml:id="plan_ok.0">
      <gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::25832"><gml:lowerCorner>586300 6640500</gml:lowerCorner><gml:upperCorner>586380 6640560</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Polygon srsName="urn:ogc:def:crs:EPSG::25832" gml:id="plan_ok.geom.0"><gml:exterior><gml:LinearRing><gml:posList>586380 6640500 586380 6640560 586300 6640560 586300 6640500 586380 6640500</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></ogr:geometryProperty>
      <ogr:feltnavn>BKB1</ogr:feltnavn>
      <ogr:arealformål>1310</ogr:arealformål>
      <ogr:BRA>12000</ogr:BRA>
      <ogr:boliger>0</ogr:boliger>
    </ogr:plan_ok>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:plan_ok gml:id="plan_ok.1">
      <gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::25832"><gml:lowerCorner>586400 6640500</gml:lowerCorner><gml:upperCorner>586460 6640560</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Polygon srsName="urn:ogc:def:crs:EPSG::25832" gml:id="plan_ok.geom.1"><gml:exterior><gml:LinearRing><gml:posList>586460 6640500 586460 6640560 586400 6640560 586400 6640500 586460 6640500</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></ogr:geometryProperty>
      <ogr:feltnavn>BF1</ogr:feltnavn>
      <ogr:arealformål>1150</ogr:arealformål>
      <ogr:BRA>3000</ogr:BRA>
      <ogr:boliger>0</ogr:boliger>
    </ogr:plan_ok>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:plan_ok gml:id="plan_ok.2">
      <gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::25832"><gml:lowerCorner>586300 6640600</gml:lowerCorner><gml:upperCorner>586380 6640680</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Polygon srsName="urn:ogc:def:crs:EPSG::25832" gml:id="plan_ok.geom.2"><gml:exterior><gml:LinearRing><gml:posList>586380 6640600 586380 6640680 586300 6640680 586300 6640600 586380 6640600</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></ogr:geometryProperty>
      <ogr:feltnavn>BB1</ogr:feltnavn>
      <ogr:arealformål>1113</ogr:arealformål>
      <ogr:BRA>9000</ogr:BRA>
      <ogr:boliger>100</ogr:boliger>
    </ogr:plan_ok>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:plan_ok gml:id="plan_ok.3">
      <gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::25832"><gml:lowerCorner>586400 6640600</gml:lowerCorner><gml:upperCorner>586460 6640680</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Polygon srsName="urn:ogc:def:crs:EPSG::25832" gml:id="plan_ok.geom.3"><gml:exterior><gml:LinearRing><gml:posList>586460 6640600 586460 6640680 586400 6640680 586400 6640600 586460 6640600</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></ogr:geometryProperty>
      <ogr:feltnavn>F1</ogr:feltnavn>
      <ogr:arealformål>3040</ogr:arealformål>
      <ogr:BRA>0</ogr:BRA>
      <ogr:boliger>0</ogr:boliger>
    </ogr:plan_ok>
  </ogr:featureMember>
</ogr:FeatureCollection>
