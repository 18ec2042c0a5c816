<?xml version='1.0' encoding="UTF-8" ?>
<wfs:FeatureCollection
   xmlns:ms="http://mapserver.gis.umn.edu/mapserver"
   xmlns:gml="http://www.opengis.net/gml/3.2"
   xmlns:wfs="http://www.opengis.net/wfs/2.0"
   xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
   xsi:schemaLocation="http://mapserver.gis.umn.edu/mapserver https://wfs.nibio.no/cgi-bin/ar5?SERVICE=WFS&amp;VERSION=2.0.0&amp;REQUEST=DescribeFeatureType&amp;TYPENAME=ms:Arealtype&amp;OUTPUTFORMAT=application%2Fgml%2Bxml%3B%20version%3D3.2 http://www.opengis.net/wfs/2.0 http://schemas.opengis.net/wfs/2.0/wfs.xsd http://www.opengis.net/gml/3.2 http://schemas.opengis.net/gml/3.2.1/gml.xsd"
   timeStamp="2024-05-01T10:00:00" numberMatched="unknown" numberReturned="1">
  <wfs:member>
    <ms:Arealtype gml:id="Arealtype.1003">
      <gml:boundedBy>
        <gml:Envelope srsName="urn:ogc:def:crs:EPSG::25832">
          <gml:lowerCorner>589800 6641800</gml:lowerCorner>
          <gml:upperCorner>589950 6642000</gml:upperCorner>
        </gml:Envelope>
      </gml:boundedBy>
      <ms:msGeometry>
        <gml:Polygon gml:id="Arealtype.1003.1" srsName="urn:ogc:def:crs:EPSG::25832">
          <gml:exterior>
            <gml:LinearRing>
              <gml:posList srsDimension="2">589800 6641800 589950 6641800 589950 6642000 589800 6642000 589800 6641800</gml:posList>
            </gml:LinearRing>
          </gml:exterior>
        </gml:Polygon>
      </ms:msGeometry>
      <ms:lokalid>1003</ms:lokalid>
      <ms:arealtype>23</ms:arealtype>
      <ms:treslag>98</ms:treslag>
      <ms:skogbonitet>98</ms:skogbonitet>
      <ms:grunnforhold>44</ms:grunnforhold>
    </ms:Arealtype>
  </wfs:member>
</wfs:FeatureCollection>
