<?xml version='1.0' encoding="UTF-8" ?>
<wfs:FeatureCollection
   xmlns:ms="http://mapserver.gis.umn.edu/mapserver"
   xmlns:gml="http://www.opengis.net/gml/3.2"
   xmlns:wfs="http://www.opengis.net/wfs/2.0"
   xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
   xsi:schemaLocation="http://mapserver.gis.umn.edu/mapserver https://wfs.nibio.no/cgi-bin/ar50_2?SERVICE=WFS&amp;VERSION=2.0.0&amp;REQUEST=DescribeFeatureType&amp;TYPENAME=ms:AR50&amp;OUTPUTFORMAT=application%2Fgml%2Bxml%3B%20version%3D3.2 http://www.opengis.net/wfs/2.0 http://schemas.opengis.net/wfs/2.0/wfs.xsd http://www.opengis.net/gml/3.2 http://schemas.opengis.net/gml/3.2.1/gml.xsd"
   timeStamp="2025-06-02T10:12:44" numberMatched="3" numberReturned="1">
  <wfs:boundedBy>
    <gml:Envelope srsName="urn:ogc:def:crs:EPSG::25832">
      <gml:lowerCorner>589600 6641300</gml:lowerCorner>
      <gml:upperCorner>589800 6641500</gml:upperCorner>
    </gml:Envelope>
  </wfs:boundedBy>
  <wfs:member>
    <ms:AR50 gml:id="AR50.4410073">
      <gml:boundedBy>
        <gml:Envelope srsName="urn:ogc:def:crs:EPSG::25832">
          <gml:lowerCorner>589600 6641300</gml:lowerCorner>
          <gml:upperCorner>589800 6641500</gml:upperCorner>
        </gml:Envelope>
      </gml:boundedBy>
      <ms:msGeometry>
        <gml:Polygon gml:id="AR50.4410073.1" srsName="urn:ogc:def:crs:EPSG::25832">
          <gml:exterior>
            <gml:LinearRing>
              <gml:posList srsDimension="2">589600 6641300 589800 6641300 589800 6641500 589600 6641500 589600 6641300</gml:posList>
            </gml:LinearRing>
          </gml:exterior>
        </gml:Polygon>
      </ms:msGeometry>
      <ms:lokalid>4410073</ms:lokalid>
      <ms:arealtype>20</ms:arealtype>
      <ms:kopidato>2025-06-02</ms:kopidato>
    </ms:AR50>
  </wfs:member>
</wfs:FeatureCollection>
