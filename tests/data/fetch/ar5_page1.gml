<?xml version='1.0' encoding="UTF-8" ?>
<wfs:FeatureCollection
   xmlns:ms="http://mapserver.gis.umn.edu/mapserver"
   xmlns:gml="http://www.opengis.net/gml/3.2"
   xmlns:wfs="http://www.opengis.net/wfs/2.0"
   xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
   xsi:schemaLocation="http://mapserver.gis.umn.edu/mapserver https://wfs.nibio.no/cgi-bin/ar5?SERVICE=WFS&amp;VERSION=2.0.0&amp;REQUEST=DescribeFeatureType&amp;TYPENAME=ms:Arealtype&amp;OUTPUTFORMAT=application%2Fgml%2Bxml%3B%20version%3D3.2 http://www.opengis.net/wfs/2.0 http://schemas.opengis.net/wfs/2.0/wfs.xsd http://www.opengis.net/gml/3.2 http://schemas.opengis.net/gml/3.2.1/gml.xsd"
   timeStamp="2024-05-01T10:00:00" numberMatched="unknown" numberReturned="2">
  <wfs:member>
    <ms:Arealtype gml:id="Arealtype.1001">
      <gml:boundedBy>
        <gml:Envelope srsName="urn:ogc:def:crs:EPSG::25832">
          <gml:lowerCorner>589300 6640900</gml:lowerCorner>
          <gml:upperCorner>589500 6641100</gml:upperCorner>
        </gml:Envelope>
      </gml:boundedBy>
      <ms:msGeometry>
        <gml:Polygon gml:id="Arealtype.1001.1" srsName="urn:ogc:def:crs:EPSG::25832">
          <gml:exterior>
            <gml:LinearRing>
              <gml:posList srsDimension="2">589300 6640900 589500 6640900 589500 6641100 589300 6641100 589300 6640900</gml:posList>
            </gml:LinearRing>
          </gml:exterior>
        </gml:Polygon>
      </ms:msGeometry>
      <ms:lokalid>1001</ms:lokalid>
      <ms:arealtype>21</ms:arealtype>
      <ms:treslag>98</ms:treslag>
      <ms:skogbonitet>98</ms:skogbonitet>
      <ms:grunnforhold>44</ms:grunnforhold>
    </ms:Arealtype>
  </wfs:member>
  <wfs:member>
    <ms:Arealtype gml:id="Arealtype.1002">
      <gml:boundedBy>
        <gml:Envelope srsName="urn:ogc:def:crs:EPSG::25832">
          <gml:lowerCorner>589500 6640900</gml:lowerCorner>
          <gml:upperCorner>589700 6641000</gml:upperCorner>
        </gml:Envelope>
      </gml:boundedBy>
      <ms:msGeometry>
        <gml:Polygon gml:id="Arealtype.1002.1" srsName="urn:ogc:def:crs:EPSG::25832">
          <gml:exterior>
            <gml:LinearRing>
              <gml:posList srsDimension="2">589500 6640900 589700 6640900 589700 6641000 589500 6641000 589500 6640900</gml:posList>
            </gml:LinearRing>
          </gml:exterior>
        </gml:Polygon>
      </ms:msGeometry>
      <ms:lokalid>1002</ms:lokalid>
      <ms:arealtype>30</ms:arealtype>
      <ms:treslag>31</ms:treslag>
      <ms:skogbonitet>14</ms:skogbonitet>
      <ms:grunnforhold>44</ms:grunnforhold>
    </ms:Arealtype>
  </wfs:member>
</wfs:FeatureCollection>
